/**
 * The demo's channels start empty on every run (the simulators keep nothing), so before its sinks
 * start the demo makes them deliver everything again: each sink's consumer group goes back to the
 * start of its channel topic and the ops database forgets what the channels held. That is the
 * operator's "resync" of a channel, done here while no sink runs.
 */
import type { Admin } from 'kafkajs';
import { offerTopicOf } from '../../../streams/contracts/topics.ts';
import { openOpsDatabase } from '../../../streams/sinks/ops/ops-database.ts';
import { sinkGroupOf } from '../../../streams/sinks/sink-worker.ts';
import { opsPostgres, postgresUrl } from '../stack-config.ts';

export async function resetDeliveries(admin: Admin, channels: readonly string[]): Promise<void> {
  const groups = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
  for (const channel of channels) {
    if (!groups.has(sinkGroupOf(channel))) continue;
    await admin.resetOffsets({ groupId: sinkGroupOf(channel), topic: offerTopicOf(channel), earliest: true });
  }
  const ops = await openOpsDatabase(postgresUrl(opsPostgres()), 1);
  try {
    await ops.query('DELETE FROM channel_holding WHERE channel = ANY($1::text[])', [channels]);
  } finally {
    await ops.end();
  }
}
