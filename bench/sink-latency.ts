/**
 * The sinks of `bench/pipeline.ts --sinks`: the last stage of the end-to-end latency, from the ERP
 * commit to the channel API call (BENCHMARKS.md, "End-to-end latency ... and on to the channel API
 * call"). The three channels of the sample config are played in-process: a Magento simulator
 * without a rate limit (the point is latency, not the budget), a webhook receiver, and the B2B
 * portal's table on the stack's PostgreSQL; `syncline sink` (all channels) runs as a child process
 * on a config variant pointing at them. The latency of each delivery is the register's own figure:
 * `latencyMs` of the DELIVERED entries (recorded when the channel call returned, from the
 * record's ERP commit time), read from `sync.register.v1` with read_committed.
 *
 * Loaded with a dynamic import after SYNCLINE_STACK_DIR is set (the stack modules read it when
 * they load), like the stack modules in pipeline.ts.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';
import { parse } from 'yaml';
import { ensurePortalSchema } from '../infra/local/portal/portal-schema.ts';
import { registryUrl } from '../infra/local/stack-config.ts';
import {
  localWebhookSecret,
  sampleConfigFile,
  startRole,
  writeSampleConfigVariant,
  type RoleProcess,
} from '../infra/local/syncline-roles.ts';
import {
  startMagentoSimulator,
  type MagentoSimulator,
} from '../infra/simulators/magento/magento-simulator.ts';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../infra/simulators/webhook-receiver/webhook-receiver.ts';
import { offerTopicOf } from '../streams/contracts/topics.ts';
import type { RegisterEntry } from '../streams/sinks/register-entry.ts';
import { sinkGroupOf } from '../streams/sinks/sink-worker.ts';
import { tailRegister, type RegisterTail } from './sink-register.ts';
import { percentile } from './stats.ts';

export interface LatencyFigures {
  readonly records: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface SinkLatencyReport {
  readonly overall: LatencyFigures;
  readonly byChannel: Record<string, LatencyFigures>;
  /** Register entries of the phase's records per channel and status (a record may have several). */
  readonly statuses: Record<string, Record<string, number>>;
  /** Whether every sink group had caught up with its channel topic when the register was read. */
  readonly caughtUp: boolean;
  readonly drainSeconds: number;
}

export interface ChannelSinks {
  /** Starts `syncline sink` from the channel topics' current ends and tails the register. */
  start(): Promise<void>;
  /**
   * After the phase: waits (at most `maxDrainMs`) until the sinks have caught up, then reports the
   * DELIVERED entries whose ERP commit time lies within [fromMs, toMs].
   */
  measure(window: { fromMs: number; toMs: number }, maxDrainMs?: number): Promise<SinkLatencyReport>;
  close(): Promise<void>;
}

export const sinkChannels = ['webshop', 'b2b-portal', 'marketplace'] as const;

function figures(latencies: number[]): LatencyFigures {
  latencies.sort((a, b) => a - b);
  return {
    records: latencies.length,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
  };
}

/** True once each sink group's committed offsets are within `slack` of its topic's end (commit markers). */
async function sinksCaughtUp(admin: Admin, slack = 8n): Promise<boolean> {
  for (const channel of sinkChannels) {
    const topic = offerTopicOf(channel);
    const committed = await admin.fetchOffsets({ groupId: sinkGroupOf(channel), topics: [topic] });
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
      const offset = committed[0]?.partitions.find((p) => p.partition === partition)?.offset;
      const at = offset === undefined || offset === '-1' ? 0n : BigInt(offset);
      if (BigInt(high) - at > slack) return false;
    }
  }
  return true;
}

export async function prepareChannelSinks(options: {
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Where the config variant and the sink's log are written. */
  readonly configFile: string;
  readonly logFile: string;
  /** The `processing:` settings of the processors' config (the sink reads partitions from it). */
  readonly processing: Record<string, unknown>;
}): Promise<ChannelSinks> {
  const { kafka, admin } = options;
  const magento: MagentoSimulator = await startMagentoSimulator();
  const receiver: WebhookReceiver = await startWebhookReceiver({ secret: localWebhookSecret });
  await ensurePortalSchema();
  // The channels keep their sample settings (batch sizes, input list limit, ...); only where they
  // deliver changes, and Magento's budget, which the simulator here does not enforce.
  const sample = parse(readFileSync(sampleConfigFile, 'utf8')) as {
    channels: { id: string; sink?: { settings?: Record<string, unknown> } }[];
  };
  const settingsOf = (id: string) => sample.channels.find((c) => c.id === id)?.sink?.settings ?? {};
  const configFile = writeSampleConfigVariant(options.configFile, options.processing, {
    webshop: {
      settings: {
        ...settingsOf('webshop'),
        baseUrl: magento.url,
        auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' },
      },
      rateLimit: {},
    },
    marketplace: {
      settings: { ...settingsOf('marketplace'), url: receiver.url, secretEnv: 'SYNCLINE_WEBHOOK_SECRET' },
    },
  });
  let sink: RoleProcess | undefined;
  let tail: RegisterTail | undefined;

  return {
    async start() {
      // The snapshot and the steady rounds left a backlog on the channel topics: the latency phase
      // measures a sink that keeps up with live changes, so it starts at the topics' ends.
      for (const channel of sinkChannels) {
        const topic = offerTopicOf(channel);
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId: sinkGroupOf(channel),
          topic,
          partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
        });
      }
      sink = await startRole('sink', configFile, {
        onOutput: (chunk) => appendFileSync(options.logFile, chunk),
      });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const groups = await admin.describeGroups(sinkChannels.map(sinkGroupOf));
        if (groups.groups.every((g) => g.state === 'Stable' && g.members.length > 0)) break;
        if (Date.now() > deadline) throw new Error(`the sink groups did not settle; see ${options.logFile}`);
        await sleep(250);
      }
      const channelPrefixes = sinkChannels.map((channel) => `${channel}/`);
      tail = await tailRegister({
        kafka,
        registryUrl: registryUrl(),
        accept: (key) => channelPrefixes.some((prefix) => key.startsWith(prefix)),
      });
    },

    async measure({ fromMs, toMs }, maxDrainMs = 60_000) {
      if (!tail) throw new Error('the channel sinks were not started');
      const began = Date.now();
      let caughtUp = false;
      while (Date.now() - began < maxDrainMs) {
        if (await sinksCaughtUp(admin)) {
          caughtUp = true;
          break;
        }
        await sleep(500);
      }
      // The register entries of the last batches are written before their offsets are committed;
      // a short pause lets the tail read them.
      await sleep(1000);
      const drainSeconds = (Date.now() - began) / 1000;
      // Caused by the phase's changes: committed in the ERP during the phase (and so recorded after
      // it began). Not "recorded before the phase ended": that would drop the slowest deliveries.
      const inPhase = (entry: RegisterEntry) =>
        entry.recordedAtMs >= fromMs &&
        entry.erpCommitMs !== null &&
        entry.erpCommitMs >= fromMs &&
        entry.erpCommitMs <= toMs;
      const all: number[] = [];
      const byChannel = new Map<string, number[]>(sinkChannels.map((channel) => [channel, []]));
      const statuses: Record<string, Record<string, number>> = {};
      for (const entry of tail.entries) {
        if (!inPhase(entry)) continue;
        const counts = (statuses[entry.channel] ??= {});
        counts[entry.status] = (counts[entry.status] ?? 0) + 1;
        if (entry.status !== 'DELIVERED' || entry.latencyMs === null) continue;
        all.push(entry.latencyMs);
        byChannel.get(entry.channel)?.push(entry.latencyMs);
      }
      return {
        overall: figures(all),
        byChannel: Object.fromEntries([...byChannel].map(([channel, values]) => [channel, figures(values)])),
        statuses,
        caughtUp,
        drainSeconds,
      };
    },

    async close() {
      await sink?.stop();
      await tail?.stop();
      await magento.close();
      await receiver.close();
    },
  };
}
