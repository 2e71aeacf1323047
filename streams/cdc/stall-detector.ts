/**
 * Tells whether a connector still writes: a pure record of when the end offsets of its topics
 * (heartbeat and changes, summed) last moved. Topics not there yet count as quiet since the watch
 * began, so a connector that never heartbeats at all is found stalled too.
 */

export interface HeartbeatObservation {
  /** The topics' end offsets summed over partitions; undefined when none of them exists. */
  readonly endOffset: bigint | undefined;
  readonly at: number;
}

export class StallDetector {
  private lastEndOffset: bigint | undefined;
  private lastMovedAt: number;

  constructor(
    private readonly stallAfterMs: number,
    startedAt: number,
  ) {
    this.lastMovedAt = startedAt;
  }

  /** Records one look at the topic; returns for how long it has been quiet. */
  observe(observation: HeartbeatObservation): number {
    if (observation.endOffset !== undefined && observation.endOffset !== this.lastEndOffset) {
      if (this.lastEndOffset !== undefined) this.lastMovedAt = observation.at;
      this.lastEndOffset = observation.endOffset;
    }
    return observation.at - this.lastMovedAt;
  }

  /** When the topic last moved (or the watch began, if it has not). */
  get quietSince(): number {
    return this.lastMovedAt;
  }

  stalled(quietMs: number): boolean {
    return quietMs >= this.stallAfterMs;
  }
}
