/**
 * How a consumer waits out a schema registry outage: one warning when it begins (what failed, and
 * that nothing is parked for it), a pause that grows from 250 ms to 2 s between tries, and one
 * line when the registry answers again. Short pauses, because the caller holds a batch (and, in the
 * engine, a task's lock) while it waits; the caller tries again after each pause.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

const firstPauseMs = 250;
const longestPauseMs = 2_000;

export class RegistryWait {
  private outageSince: number | undefined;
  private nextPauseMs = firstPauseMs;

  constructor(
    private readonly log: Logger,
    private readonly pauseFor: (ms: number) => Promise<unknown> = sleep,
    private readonly now: () => number = Date.now,
  ) {}

  get waiting(): boolean {
    return this.outageSince !== undefined;
  }

  /** Notes a failed try and pauses before the next one. */
  async pause(error: unknown): Promise<void> {
    if (this.outageSince === undefined) {
      this.outageSince = this.now();
      this.log.warn(
        { err: error },
        'the schema registry does not answer; waiting for it (records wait, nothing is parked or skipped)',
      );
    }
    const ms = this.nextPauseMs;
    this.nextPauseMs = Math.min(longestPauseMs, ms * 2);
    await this.pauseFor(ms);
  }

  /** A decode succeeded: the outage, if any, is over. */
  answered(): void {
    if (this.outageSince === undefined) return;
    this.log.info({ waitedMs: this.now() - this.outageSince }, 'the schema registry answers again');
    this.outageSince = undefined;
    this.nextPauseMs = firstPauseMs;
  }
}

/**
 * Runs `call` (a role's schema registrations at start-up) until the registry answers: a role
 * started during an outage waits, saying so, instead of exiting. Any other failure is thrown.
 */
export async function whenRegistryAnswers<T>(call: () => Promise<T>, log: Logger): Promise<T> {
  const wait = new RegistryWait(log);
  for (;;) {
    try {
      const result = await call();
      wait.answered();
      return result;
    } catch (error) {
      const { code, retriable } = error as { code?: string; retriable?: boolean };
      if (code !== 'SCHEMA_REGISTRY' || retriable !== true) throw error;
      await wait.pause(error);
    }
  }
}
