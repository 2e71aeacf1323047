/**
 * Stops a sink from hammering a channel that is down, and lets it resume by itself.
 *
 *   closed --(failureThreshold failures in a row)--> open --(open time elapsed)--> half-open
 *   half-open --(the probe call succeeds)--> closed ; --(it fails)--> open, for twice as long
 *
 * While open no call is made: the sink waits (its records stay uncommitted in Kafka, which is the
 * buffer), so a long outage costs neither the channel's budget nor a flood of register entries.
 * Only failures of a whole call count (timeouts, 5xx, 429), not a record the channel rejected.
 *
 * One breaker per channel per process, shared by the partitions delivered side by side: they all
 * wake when the open time is up, so half-open hands the probe slot to the first caller only and
 * the others wait. A probe whose call ends neither way (the sink stopping, the ops database away)
 * frees the slot an open interval later, so the breaker never stalls and never probes faster.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerPolicy {
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly maxOpenMs: number;
}

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private opens = 0;
  private openUntil = 0;
  private openMs = 0;
  /** While half-open: when the next probe may go if the current one has not reported. */
  private nextProbeAt = 0;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly onChange: (state: BreakerState) => void = () => undefined,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** How long to wait before the next call may go (0 = now); an elapsed open time turns half-open. */
  waitMs(nowMs: number): number {
    if (this.current === 'closed') return 0;
    if (this.current === 'open' && nowMs < this.openUntil) return this.openUntil - nowMs;
    if (this.current === 'half-open' && nowMs < this.nextProbeAt) return this.nextProbeAt - nowMs;
    // This caller takes the probe slot.
    this.nextProbeAt = nowMs + this.openMs;
    this.set('half-open');
    return 0;
  }

  succeeded(): void {
    this.failures = 0;
    this.opens = 0;
    this.set('closed');
  }

  failed(nowMs: number): void {
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.policy.failureThreshold) {
      this.opens += 1;
      this.openMs = Math.min(this.policy.maxOpenMs, this.policy.openMs * 2 ** (this.opens - 1));
      this.openUntil = nowMs + this.openMs;
      this.failures = 0;
      this.set('open');
    }
  }

  private set(state: BreakerState): void {
    if (state === this.current) return;
    this.current = state;
    this.onChange(state);
  }
}
