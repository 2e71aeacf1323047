/**
 * A time-based token bucket, the shape of limit a CDN/WAF (Fastly on Adobe Commerce Cloud) puts in front of
 * Magento; core Magento has no per-client REST limit (developer.adobe.com/commerce/webapi/get-started/rate-limiting).
 * Tokens refill continuously at `refillPerSecond` up to `capacity`; a request takes one token or is refused.
 */
export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(capacity >= 1)) throw new RangeError(`token bucket capacity must be >= 1, got ${capacity}`);
    if (!(refillPerSecond > 0))
      throw new RangeError(`token bucket refill must be > 0/s, got ${refillPerSecond}`);
    this.tokens = capacity;
    this.updatedAt = clock();
  }

  tryTake(): TakeResult {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: ((1 - this.tokens) / this.refillPerSecond) * 1000 };
  }

  /** Back to a full bucket. */
  reset(): void {
    this.tokens = this.capacity;
    this.updatedAt = this.clock();
  }

  private refill(): void {
    const now = this.clock();
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsedSeconds * this.refillPerSecond);
    this.updatedAt = now;
  }
}
