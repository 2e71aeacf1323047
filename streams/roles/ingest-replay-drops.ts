/**
 * Makes the ingest processor's replay drops visible: counted in
 * `syncline_ingest_replays_dropped_total{source,table}` and logged, the processor itself staying
 * pure (it returns each drop; this wrapper, on the role's side, records it).
 *
 * A Debezium replay after a Connect crash re-delivers thousands of events at once, so the log is
 * aggregated per source and table: the first drop is logged at warn with its key and positions,
 * the drops that follow within `intervalMs` are counted and logged as one line when the interval
 * is over (by `flush`, which the role calls on a timer). Events replayed to restore a task's state
 * are not counted again: they were counted when first processed. A batch processed again after an
 * aborted transaction is counted again, so the counter can run slightly ahead of the drops.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  ingestProcessor,
  type IngestOptions,
  type IngestProcessor,
  type ReplayDrop,
} from '../processors/ingest/ingest-processor.ts';
import type { IngestConfig } from '../processors/ingest/source-config.ts';
import { ingestMetrics, type IngestMetrics } from '../runtime/metrics.ts';
import type { Processor } from '../runtime/processor.ts';

export interface ReplayDropOptions {
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** How long drops of one source and table are summed before the next log line. */
  readonly intervalMs: number;
  readonly now: () => number;
}

interface Tally {
  loggedAt: number;
  unlogged: number;
  last?: ReplayDrop;
}

const sentence = (drop: ReplayDrop) =>
  `dropped ${drop.source} ${drop.table} change events at or below the last position seen for their key: ` +
  'a Debezium replay (harmless), or a source restored from a backup or with a reset log, whose real ' +
  "changes are then lost: reset the source's positions and resync (docs/pipeline.md, Replays dropped)";

export interface ReplayDropRecorder {
  /** The processor to run: the ingest processor, with its drops recorded. */
  readonly processor: Processor;
  /** Logs the drops summed since the last line of each source and table, once their interval is over. */
  flush(): void;
}

export function recordReplayDrops(ingest: IngestProcessor, options: ReplayDropOptions): ReplayDropRecorder {
  const { metrics, logger, intervalMs, now } = options;
  const tallies = new Map<string, Tally>();
  const logSummed = (tally: Tally) => {
    if (tally.unlogged === 0 || tally.last === undefined) return;
    const drop = tally.last;
    logger.warn(
      { source: drop.source, table: drop.table, dropped: tally.unlogged, lastKey: drop.key },
      sentence(drop),
    );
    tally.unlogged = 0;
    tally.loggedAt = now();
  };
  const record = (drop: ReplayDrop) => {
    metrics.replaysDropped.inc({ source: drop.source, table: drop.table });
    const id = `${drop.source}\u001f${drop.table}`;
    const tally = tallies.get(id);
    if (tally === undefined || now() - tally.loggedAt >= intervalMs) {
      if (tally) logSummed(tally);
      tallies.set(id, { loggedAt: now(), unlogged: 0, last: drop });
      logger.warn(
        {
          source: drop.source,
          table: drop.table,
          dropped: 1,
          key: drop.key,
          position: drop.position,
          lastPosition: drop.lastPosition,
          topic: drop.topic,
          partition: drop.partition,
          offset: drop.offset,
        },
        sentence(drop),
      );
      return;
    }
    tally.unlogged += 1;
    tally.last = drop;
  };
  return {
    processor: {
      name: ingest.name,
      inputTopics: ingest.inputTopics,
      stateSignature: ingest.stateSignature,
      dlqTopic: (reason) => ingest.dlqTopic(reason),
      process(input, context) {
        const step = ingest.step(input, context);
        if (step.replayDropped !== undefined && !context.restoring) record(step.replayDropped);
        return step.emissions;
      },
    },
    flush() {
      for (const tally of tallies.values()) if (now() - tally.loggedAt >= intervalMs) logSummed(tally);
    },
  };
}

/** How often summed drops are logged, per source and table. */
const replayLogIntervalMs = 30_000;

/**
 * The ingest role's processor with its replay drops recorded on `registry` and `logger`. The
 * flush timer is unref'd: it never keeps a stopping process alive, and holds nothing to release.
 */
export function ingestWithReplayDrops(
  config: IngestConfig,
  registry: Registry,
  logger: Logger,
  options: IngestOptions = {},
): Processor {
  const recorder = recordReplayDrops(ingestProcessor(config, options), {
    metrics: ingestMetrics(registry),
    logger: logger.child({ component: 'replay-drops' }),
    intervalMs: replayLogIntervalMs,
    now: Date.now,
  });
  setInterval(() => recorder.flush(), replayLogIntervalMs).unref();
  return recorder.processor;
}
