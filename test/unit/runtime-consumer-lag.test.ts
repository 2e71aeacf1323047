/**
 * The lag watcher's wiring without a broker (the real one is exercised by the alert test on the
 * stack): what it reports follows the consumer's assignment, trailing markers the consumer saw
 * are not counted, and a partition's series goes when the partition moves away or the consumer
 * stops. The consumer and the admin are doubles at the seam to kafkajs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin, Consumer } from 'kafkajs';
import pino from 'pino';
import { Registry } from 'prom-client';
import { watchConsumerLag } from '../../streams/runtime/kafka/consumer-lag.ts';
import { consumerLagMetrics } from '../../streams/runtime/metrics.ts';

const events = {
  GROUP_JOIN: 'consumer.group_join',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  STOP: 'consumer.stop',
} as const;

function doubles() {
  const listeners = new Map<string, ((event: { payload: unknown }) => void)[]>();
  const consumer = {
    events,
    on(name: string, listener: (event: { payload: unknown }) => void) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () =>
        listeners.set(
          name,
          (listeners.get(name) ?? []).filter((l) => l !== listener),
        );
    },
  } as unknown as Consumer;
  const emit = (name: string, payload: unknown) => {
    for (const listener of listeners.get(name) ?? []) listener({ payload });
  };
  const committed = new Map<number, string>();
  const ends = new Map<number, string>();
  const admin = {
    fetchOffsets: () =>
      Promise.resolve([
        {
          topic: 't',
          partitions: [...ends.keys()].map((p) => ({ partition: p, offset: committed.get(p) ?? '-1' })),
        },
      ]),
    fetchTopicOffsets: () =>
      Promise.resolve([...ends].map(([partition, high]) => ({ partition, high, low: '0', offset: high }))),
  } as unknown as Admin;
  return { consumer, admin, emit, committed, ends, listeners };
}

async function series(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(name)!.get();
  return Object.fromEntries(metric.values.map((v) => [`${v.labels.topic}:${v.labels.partition}`, v.value]));
}

describe('consumer lag watcher', () => {
  it('reports the assigned partitions only, and drops a partition that moves away', async () => {
    const d = doubles();
    const registry = new Registry();
    const watch = watchConsumerLag({
      role: 'sink',
      metrics: consumerLagMetrics(registry),
      admin: d.admin,
      consumer: d.consumer,
      groupId: 'g',
      logger: pino({ level: 'silent' }),
      intervalMs: 60_000,
    });
    try {
      d.ends.set(0, '10').set(1, '20').set(2, '5');
      d.committed.set(0, '4').set(1, '20').set(2, '5');
      d.emit(events.GROUP_JOIN, { memberAssignment: { t: [0, 1] } });
      await watch.sample();
      assert.deepEqual(await series(registry, 'syncline_consumer_lag_records'), { 't:0': 6, 't:1': 0 });

      d.emit(events.GROUP_JOIN, { memberAssignment: { t: [1] } });
      assert.deepEqual(await series(registry, 'syncline_consumer_lag_records'), { 't:1': 0 });
    } finally {
      watch.stop();
    }
  });

  it('does not count a trailing commit marker the consumer was handed as a filtered batch', async () => {
    const d = doubles();
    const registry = new Registry();
    const watch = watchConsumerLag({
      role: 'sink',
      metrics: consumerLagMetrics(registry),
      admin: d.admin,
      consumer: d.consumer,
      groupId: 'g',
      logger: pino({ level: 'silent' }),
      intervalMs: 60_000,
    });
    try {
      // Records 0..8 committed (offset 9), the writer's commit marker at 9: the end is 10.
      d.ends.set(0, '10');
      d.committed.set(0, '9');
      d.emit(events.GROUP_JOIN, { memberAssignment: { t: [0] } });
      await watch.sample();
      assert.deepEqual(await series(registry, 'syncline_consumer_lag_records'), { 't:0': 1 });
      d.emit(events.END_BATCH_PROCESS, {
        topic: 't',
        partition: 0,
        batchSize: 0,
        firstOffset: '9',
        lastOffset: '9',
      });
      await watch.sample();
      assert.deepEqual(await series(registry, 'syncline_consumer_lag_records'), { 't:0': 0 });
    } finally {
      watch.stop();
    }
  });

  it('removes every series when the consumer stops, and stops listening when the watch stops', async () => {
    const d = doubles();
    const registry = new Registry();
    const watch = watchConsumerLag({
      role: 'offers',
      metrics: consumerLagMetrics(registry),
      admin: d.admin,
      consumer: d.consumer,
      groupId: 'g',
      logger: pino({ level: 'silent' }),
      intervalMs: 60_000,
    });
    d.ends.set(0, '3');
    d.emit(events.GROUP_JOIN, { memberAssignment: { t: [0] } });
    await watch.sample();
    assert.deepEqual(await series(registry, 'syncline_consumer_lag_records'), { 't:0': 3 });
    d.emit(events.STOP, null);
    assert.deepEqual(await series(registry, 'syncline_consumer_lag_records'), {});
    watch.stop();
    assert.ok([...d.listeners.values()].every((l) => l.length === 0));
  });
});
