/**
 * How the sink waits without losing its place: in slices with a heartbeat between them (a long
 * wait must not cost the consumer its group membership), and for the ops database to answer again
 * after an outage, told once when it goes and once when it is back.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Logger } from 'pino';
import { OpsUnavailable } from './ops/ops-outage.ts';
import { backoffDelayMs, type RetryPolicy } from './retry-backoff.ts';

/** What waiting needs: the stop signal, the heartbeat, and a sleep a test can replace. */
export interface Waiting {
  readonly signal: AbortSignal;
  /** Keeps the consumer's group membership alive while waiting. */
  readonly heartbeat: () => Promise<void>;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface OpsWaiting extends Waiting {
  readonly channel: string;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  readonly random?: () => number;
  /** Told when the ops database stops answering (true) and answers again (false). */
  readonly opsOutage?: (down: boolean) => void;
}

/** Waits in slices, with a heartbeat between them, so a long wait does not cost the group membership. */
export async function pause(ms: number, deps: Waiting): Promise<void> {
  const sleep = deps.sleep ?? defaultSleep;
  let left = ms;
  while (left > 0 && !deps.signal.aborted) {
    const slice = Math.min(left, 1000);
    await sleep(slice, deps.signal);
    left -= slice;
    await deps.heartbeat();
  }
}

/** Node's own abortable timer removes its listener from the signal when the time is up. */
async function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  await sleepFor(ms, undefined, { signal }).catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });
}

export class SinkStopped extends Error {
  override readonly name = 'SinkStopped';
}

/**
 * The ops database as one batch meets it: a query that meets an outage is tried again after a
 * backoff, for as long as it takes (the sink is doing nothing else meanwhile); the outage and its
 * end are told once each.
 */
export interface OpsWatch {
  down(error: unknown): void;
  waitFor<T>(what: string, query: () => Promise<T>): Promise<T>;
}

export function opsWatch(deps: OpsWaiting): OpsWatch {
  let isDown = false;
  const watch: OpsWatch = {
    down(error) {
      if (isDown) return;
      isDown = true;
      deps.opsOutage?.(true);
      deps.logger.warn(
        { err: error },
        `ops database unreachable: delivery to channel ${deps.channel} waits for it (nothing is parked meanwhile)`,
      );
    },
    async waitFor(what, query) {
      for (let failures = 1; ; failures += 1) {
        try {
          const result = await query();
          if (isDown) {
            isDown = false;
            deps.opsOutage?.(false);
            deps.logger.info(`ops database answers again: delivery to channel ${deps.channel} goes on`);
          }
          return result;
        } catch (error) {
          if (!(error instanceof OpsUnavailable)) throw error;
          watch.down(error);
          if (deps.signal.aborted) throw new SinkStopped('the sink is stopping');
          await pause(backoffDelayMs(failures, deps.retry, undefined, deps.random), deps);
          if (deps.signal.aborted) throw new SinkStopped('the sink is stopping');
          deps.logger.debug({ what, failures }, 'ops database: trying again');
        }
      }
    },
  };
  return watch;
}
