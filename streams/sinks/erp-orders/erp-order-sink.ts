/**
 * The ERP order sink's batch handler: each ERP order command of a batch written through the
 * writer (one database transaction per order), its outcome in the register, a refused command in
 * the dead letters; the batch resolves only when every command has an outcome, so its offsets are
 * committed after the ERP holds what they mean. A crash between the database commit and the Kafka
 * commit delivers the batch again, and the writer answers "unchanged, ERP order N" for each
 * command it already applied: effectively once.
 *
 * Commands of one order (one key) are written in their order; different orders in parallel, up to
 * `parallel` at a time, since each is its own transaction. A write that may pass later (the
 * database away, lock conflicts beyond the writer's own retries) is retried here with a growing
 * pause until it passes or the batch is given up (the consumer stopping or losing the partition).
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ErpOrderCommand } from '../../contracts/orders/index.ts';
import type { BatchContext, ConsumedRecord } from '../../runtime/sink/batch-consumer.ts';
import type { OutgoingRecord, RecordWriter } from '../../runtime/sink/record-writer.ts';
import { backoffDelayMs } from '../retry-backoff.ts';
import type { ErpOrderWrite } from './erp-order-write.ts';
import type { ErpOrderWriter } from './erp-order-writer.ts';
import { deadLetter, registerRecord } from './erp-order-register.ts';

export interface ErpOrderSinkOptions {
  readonly writer: ErpOrderWriter;
  readonly records: Pick<RecordWriter, 'write'>;
  readonly logger: Logger;
  /** Orders written at once, at most (the database pool's size). */
  readonly parallel: number;
  /** Told of each outcome, for metrics. */
  readonly onOutcome?: (outcome: string) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const retryPolicy = { initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2 };

/** The batch's records grouped by key, each group in offset order. */
function byOrder(records: readonly ConsumedRecord[]): ConsumedRecord[][] {
  const groups = new Map<string, ConsumedRecord[]>();
  for (const record of records) {
    const key = record.key ?? `${record.partition}@${record.offset}`;
    const group = groups.get(key) ?? [];
    group.push(record);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function erpOrderBatchHandler(options: ErpOrderSinkOptions) {
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ??
    ((ms: number, signal: AbortSignal) => sleepFor(ms, undefined, { signal }).catch(() => undefined));

  /** The command's outcome, retrying what may pass; undefined when the batch was given up. */
  async function writeOne(
    command: ErpOrderCommand,
    context: BatchContext,
  ): Promise<ErpOrderWrite | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await options.writer.write(command);
      } catch (error) {
        const retriable = (error as { retriable?: unknown }).retriable === true;
        if (!retriable) throw error;
        options.logger.warn({ err: error, attempt }, 'ERP order write failed; it is tried again');
        await sleep(backoffDelayMs(attempt, retryPolicy, undefined), context.signal);
        if (context.signal.aborted) return undefined;
        await context.heartbeat();
      }
    }
  }

  async function outputsOf(
    record: ConsumedRecord,
    context: BatchContext,
  ): Promise<OutgoingRecord[] | undefined> {
    if (record.value === undefined || record.value === null) {
      const message = `an ${record.topic} record at ${record.partition}@${record.offset} is not a readable command: ${record.decodeError ?? 'no value'}`;
      options.onOutcome?.('PARKED');
      return [
        deadLetter(record, 'UNDECODABLE', message, now()),
        registerRecord(record, { outcome: 'undecodable', message }, now()),
      ];
    }
    const write = await writeOne(record.value as ErpOrderCommand, context);
    if (write === undefined) return undefined;
    options.onOutcome?.(write.outcome);
    const entry = registerRecord(record, write, now());
    return write.outcome === 'refused'
      ? [deadLetter(record, write.code, write.message, now()), entry]
      : [entry];
  }

  return async function onBatch(records: readonly ConsumedRecord[], context: BatchContext): Promise<boolean> {
    const groups = byOrder(records);
    const outputs: OutgoingRecord[] = [];
    let givenUp = false;
    let next = 0;
    async function worker(): Promise<void> {
      while (!givenUp && next < groups.length) {
        const group = groups[next++]!;
        for (const record of group) {
          const out = await outputsOf(record, context);
          if (out === undefined) {
            givenUp = true;
            return;
          }
          outputs.push(...out);
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(options.parallel, groups.length) }, worker));
    if (givenUp || context.signal.aborted) return false;
    // The register and the dead letters are durable before the offsets move on.
    await options.records.write(outputs);
    return true;
  };
}
