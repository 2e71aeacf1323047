/**
 * A channel that refuses every call whatever it carries: credentials revoked or rotated badly
 * (401), a permission taken away (403), an API route that is not there (a 404 of the route, not of
 * one SKU). No record is at fault, so none is parked: delivery to the channel pauses, one call per
 * `probeIntervalMs` is let through as a probe, and the first call the channel accepts resumes it.
 *
 *   accepting --(a call refused as a whole, channel-wide)--> refused
 *   refused   --(the probe interval elapsed: one caller gets the slot)--> refused (probing)
 *   refused   --(a call accepted)--> accepting
 *
 * One instance per channel per process, shared by the partitions delivered side by side, so the
 * pace holds for the process: at most one call per interval, whichever partition makes it. The
 * records meanwhile stay uncommitted in Kafka, which is the buffer.
 */
export type ChannelAccess = 'accepting' | 'refused';

export interface RefusalPolicy {
  /** While refused, one call (the probe) per this many ms. */
  readonly probeIntervalMs: number;
}

/** What the channel said when it refused; kept for the resume's register entry and the log. */
export interface RefusalDetails {
  readonly httpStatus: number | null;
  readonly errorCode: string;
  readonly channelError: string;
}

export interface Refusal extends RefusalDetails {
  /** When the channel first refused (ms). */
  readonly sinceMs: number;
  /** Refused calls since then, the first one included. */
  readonly refusedCalls: number;
}

export class ChannelRefusal {
  private current: Refusal | undefined;
  private nextProbeAtMs = 0;

  constructor(
    readonly policy: RefusalPolicy,
    private readonly onChange: (access: ChannelAccess, refusal: Refusal) => void = () => undefined,
  ) {}

  get access(): ChannelAccess {
    return this.current === undefined ? 'accepting' : 'refused';
  }

  get refusal(): Refusal | undefined {
    return this.current;
  }

  /**
   * How long to wait before a call may go: 0 while accepting. While refused, 0 for the first
   * caller once the interval has elapsed, which takes the probe slot: the next one is an interval
   * later, so concurrent callers never probe twice in one interval.
   */
  waitMs(nowMs: number): number {
    if (this.current === undefined) return 0;
    if (nowMs < this.nextProbeAtMs) return this.nextProbeAtMs - nowMs;
    this.nextProbeAtMs = nowMs + this.policy.probeIntervalMs;
    return 0;
  }

  /** A call was refused channel-wide. True when this starts a refusal (the channel was accepting). */
  refused(nowMs: number, details: RefusalDetails): boolean {
    const starts = this.current === undefined;
    this.current = {
      ...details,
      sinceMs: this.current?.sinceMs ?? nowMs,
      refusedCalls: (this.current?.refusedCalls ?? 0) + 1,
    };
    if (starts) {
      this.nextProbeAtMs = nowMs + this.policy.probeIntervalMs;
      this.onChange('refused', this.current);
    }
    return starts;
  }

  /** A call was accepted. Returns the refusal this ends, if the channel was refusing. */
  accepted(): Refusal | undefined {
    const ended = this.current;
    if (ended === undefined) return undefined;
    this.current = undefined;
    this.onChange('accepting', ended);
    return ended;
  }
}
