/**
 * A sink zombie, on the real stack: a replica of `syncline sink` frozen by SIGSTOP in the middle
 * of a channel call (the webhook receiver holds that call a few seconds, then takes it), for longer
 * than its consumer's session timeout, so the group gives its partitions to a second replica. The
 * second replica delivers the frozen batch again and then newer versions of the same keys; only
 * then is the frozen one thawed (SIGCONT), with its old call's answer waiting in its socket.
 *
 * Afterwards the channel (the receiver's contents) and the holdings in the ops database must equal
 * the channel topic read with read_committed, key by key, and no DELIVERED register entry recorded
 * after the thaw may name a record older than its key's last one: the zombie's late answer must
 * change neither what syncline believes the channel holds nor what the register says.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import pg from 'pg';
import { opsPostgres, postgresUrl } from '../../infra/local/stack-config.ts';
import { localWebhookSecret, type RoleProcess } from '../../infra/local/syncline-roles.ts';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../infra/simulators/webhook-receiver/webhook-receiver.ts';
import { contentHash } from '../../streams/contracts/content-hash.ts';
import type { Offer } from '../../streams/contracts/channel-offer.ts';
import { startRole } from '../helpers/pipeline.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
import {
  OfferWriter,
  registerEntries,
  testChannel,
  testOffer,
  topicState,
  type TestChannel,
} from '../helpers/sink-channel.ts';
import { waitUntil } from '../helpers/wait-until.ts';

/** How long the receiver holds the call the zombie is frozen in before taking it. */
const SLOW_CALL_MS = 5_000;

const kafka: Kafka = testKafka('sink-zombie-test');
let admin: Admin;
let ops: pg.Client;
let receiver: WebhookReceiver;
let channel: TestChannel;
const roles: RoleProcess[] = [];

const keys = Array.from({ length: 40 }, (_, i) => `ZOMBIE-${String(i).padStart(2, '0')}`);
const version = (v: number) => (sku: string) =>
  testOffer(channel.id, sku, { price: { amount: `${v}0.00`, currency: 'EUR' } });

async function writeVersion(v: number) {
  const writer = await OfferWriter.open(kafka, channel.topic);
  try {
    await writer.write(keys.map((key) => ({ key, offer: version(v)(key) })));
  } finally {
    await writer.close();
  }
}

/** What the holdings say per key: the content hash and, once it has one, the revision. */
async function holdings(): Promise<Map<string, Record<string, unknown>>> {
  const result = await ops.query<Record<string, unknown> & { key: string }>(
    'SELECT * FROM channel_holding WHERE channel = $1',
    [channel.id],
  );
  return new Map(result.rows.map((row) => [row.key, row]));
}

/** Every key is held (holdings) and received (the channel) at version v. */
async function everywhereAt(v: number): Promise<true | undefined> {
  const held = await holdings();
  const received = receiver.offers();
  const at = (key: string) =>
    held.get(key)?.content_hash === contentHash(version(v)(key)) &&
    received.get(key)?.offer.price.amount === `${v}0.00`;
  return keys.every(at) ? true : undefined;
}

function signal(role: RoleProcess, name: 'SIGSTOP' | 'SIGCONT') {
  const pid = role.process.pid;
  assert.ok(pid, 'the sink replica has a pid');
  process.kill(pid, name);
}

describe('sink: a replica frozen mid-call past its session timeout (zombie)', { timeout: 300_000 }, () => {
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    ops = new pg.Client({ connectionString: postgresUrl(opsPostgres()) });
    await ops.connect();
    // The sink reads the secret from SYNCLINE_WEBHOOK_SECRET, which the stack's environment sets.
    receiver = await startWebhookReceiver({ secret: localWebhookSecret });
    channel = testChannel({
      adapter: 'webhook',
      settings: { url: receiver.url, secretEnv: 'SYNCLINE_WEBHOOK_SECRET', batchSize: 50 },
      batchSize: 50,
      // One partition's batch at a time, so the slow call is the only one in flight when frozen.
      concurrency: 1,
      // The frozen call must end with the receiver's answer, not with the sink's own timeout.
      requestTimeoutMs: 300_000,
    });
  });

  after(async () => {
    for (const role of roles) {
      if (role.process.pid) process.kill(role.process.pid, 'SIGCONT');
    }
    await Promise.all(roles.map((r) => r.stop()));
    await receiver?.close();
    await admin
      .deleteTopics({ topics: [channel.topic, `channel.${channel.id}.dlq.v1`] })
      .catch(() => undefined);
    await admin.disconnect();
    await ops?.query('DELETE FROM channel_holding WHERE channel = $1', [channel.id]);
    await ops?.end();
  });

  it('keeps the channel and the holdings equal to the topic after the zombie thaws', async (t) => {
    const zombie = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
    roles.push(zombie);
    let other: RoleProcess | undefined;
    try {
      await writeVersion(1);
      await waitUntil('version 1 held and received', () => everywhereAt(1), 90_000, 250);

      // The next call is slow; the zombie is frozen as soon as the receiver has it.
      receiver.slowDown({ delayMs: SLOW_CALL_MS, count: 1 });
      const requestsBefore = receiver.requests();
      await writeVersion(2);
      await waitUntil(
        'the zombie to make its call',
        () => (receiver.requests() > requestsBefore ? true : undefined),
        60_000,
        2,
      );
      signal(zombie, 'SIGSTOP');
      const frozenAt = Date.now();

      // Another replica gets the partitions once the zombie's session has expired, delivers the
      // frozen batch again, then newer versions of the same keys.
      other = await startRole('sink', channel.configFile, { args: ['--channel', channel.id] });
      roles.push(other);
      await waitUntil('version 2 held and received', () => everywhereAt(2), 120_000, 250);
      await writeVersion(3);
      await waitUntil('version 3 held and received', () => everywhereAt(3), 90_000, 250);

      const outputBefore = zombie.output().length;
      const thawedAt = Date.now();
      signal(zombie, 'SIGCONT');
      // Rejoining the group means the batch it was frozen in has ended, however it ended.
      await waitUntil(
        'the thawed zombie to rejoin the group',
        () => (zombie.output().slice(outputBefore).includes('partitions assigned') ? true : undefined),
        90_000,
        250,
      );
      t.diagnostic(`frozen ${thawedAt - frozenAt} ms`);

      // The topic as a read_committed reader sees it: the last value and offset of every key.
      const state = await topicState(kafka, channel.topic);
      const lastOffset = new Map<string, number>();
      for (const record of await readTopic(channel.topic, 60_000, kafka)) {
        lastOffset.set(record.key!, Math.max(lastOffset.get(record.key!) ?? -1, Number(record.offset)));
      }
      assert.equal(state.size, keys.length);

      const received = receiver.offers();
      const channelDrift = [...state]
        .filter(([key, offer]) => JSON.stringify(received.get(key)?.offer) !== JSON.stringify(offer))
        .map(([key]) => key);
      assert.deepEqual(channelDrift, [], 'the channel holds what the topic says');

      const held = await holdings();
      const staleHoldings = [...state]
        .filter(([key, offer]) => held.get(key)?.content_hash !== contentHash(offer as Offer))
        .map(([key]) => `${key}: holds ${String(held.get(key)?.content_hash)}`);
      assert.deepEqual(staleHoldings, [], 'the holdings say what the topic says');
      const wrongRevisions = keys
        .filter((key) => Number(held.get(key)?.revision_offset) !== lastOffset.get(key))
        .map((key) => `${key}: ${String(held.get(key)?.revision_offset)} != ${lastOffset.get(key)}`);
      assert.deepEqual(wrongRevisions, [], "each holding names its key's last record");

      const late = (await registerEntries(kafka, channel.id)).filter(
        (e) =>
          e.status === 'DELIVERED' && e.recordedAtMs >= thawedAt && e.offerOffset < lastOffset.get(e.key)!,
      );
      assert.deepEqual(
        late.map((e) => `${e.key}@${e.offerOffset}`),
        [],
        'no stale record registered as delivered after the thaw',
      );
      const afterThaw = zombie.output().slice(outputBefore);
      assert.match(afterThaw, /abandon/, 'the zombie says it let its batch go');
      for (const line of afterThaw.split('\n').filter((l) => /abandon|overtaken|older than/.test(l))) {
        t.diagnostic(`zombie: ${(JSON.parse(line) as { msg: string }).msg}`);
      }
    } catch (error) {
      const said = (role: RoleProcess | undefined) =>
        (role?.output() ?? '')
          .split('\n')
          .filter((line) => /"level":(40|50|60)|abandon|assigned|stale|revision|rebalanc/.test(line))
          .slice(-25)
          .join('\n');
      throw new Error(
        `${(error as Error).message}\nthe zombie said:\n${said(zombie)}\nthe other replica said:\n${said(other)}`,
        { cause: error },
      );
    }
  });
});
