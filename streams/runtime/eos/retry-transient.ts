/**
 * Retries a Kafka call whose error kafkajs marks `retriable`, with a short, growing pause. For the
 * transaction calls kafkajs sends without retrying: `sendOffsets` issues AddOffsetsToTxn once, and
 * the coordinator answers CONCURRENT_TRANSACTIONS while the previous transaction's commit markers
 * are still being written (the Java client re-sends it). Unretried, that transient answer failed
 * the transaction and restarted the task; a CI run saw it on the first commit after a restart.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Tries in all, the first included. */
  readonly attempts?: number;
  /** Pause before the first retry; it doubles up to `maxWaitMs`. */
  readonly firstWaitMs?: number;
  readonly maxWaitMs?: number;
  readonly wait?: (ms: number) => Promise<unknown>;
}

export const isRetriable = (error: unknown): boolean =>
  (error as { retriable?: boolean } | null)?.retriable === true;

export async function retryTransient<T>(
  call: () => Promise<T>,
  { attempts = 12, firstWaitMs = 20, maxWaitMs = 1000, wait = sleep }: RetryOptions = {},
): Promise<T> {
  let pause = firstWaitMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isRetriable(error) || attempt >= attempts) throw error;
      await wait(pause);
      pause = Math.min(maxWaitMs, pause * 2);
    }
  }
}
