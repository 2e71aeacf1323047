/**
 * Test-harness bookkeeping of `/rest` traffic (not a Magento feature): counts per route, 429s sent, items
 * received, a capped request log, and the largest number of admitted requests whose arrivals fell within
 * any sliding 1000 ms window. That last figure is how a test proves a client never exceeded N requests per
 * second without trusting the client's own account of it.
 */
export interface SimulatorStats {
  /** Every `/rest` request, including the ones refused with 429. */
  requests: number;
  /** Per `METHOD /route` (store code stripped), e.g. `POST /V1/products`. */
  byRoute: Record<string, number>;
  /** 429 answers sent (rate limit and throttle faults). */
  throttled: number;
  /** Max admitted (non-429) requests whose arrival fell within any sliding 1000 ms window. */
  maxRequestsInAnyWindow: number;
  /** Products, source items and price rows received by handlers. */
  itemsReceived: number;
  /** Products currently in the catalog. */
  products: number;
}

export interface RequestLogEntry {
  /** Increases by one per completed request; poll with `since=<last seq seen>`. */
  seq: number;
  /** Arrival time, ms since the epoch. */
  at: number;
  method: string;
  path: string;
  /** HTTP status sent; 0 when no answer was ever sent (timeout fault, client gone). */
  status: number;
  items: number;
}

const WINDOW_MS = 1000;
const LOG_CAP = 50_000;

export class RequestStats {
  private requests = 0;
  private byRoute = new Map<string, number>();
  private throttled = 0;
  private itemsReceived = 0;
  private maxInWindow = 0;
  /** Arrival times (monotonic ms) of admitted requests in the last window. */
  private window: number[] = [];
  private log: RequestLogEntry[] = [];
  private seq = 0;

  arrived(route: string): void {
    this.requests += 1;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  /** A request got past the rate limit and throttle faults; `monotonicMs` is its arrival time. */
  admitted(monotonicMs: number): void {
    this.window.push(monotonicMs);
    // Arrivals t with now - t < 1000 share a window with this one; the maximum always ends at an arrival.
    let stale = 0;
    while (stale < this.window.length && monotonicMs - (this.window[stale] ?? 0) >= WINDOW_MS) stale += 1;
    if (stale > 0) this.window.splice(0, stale);
    this.maxInWindow = Math.max(this.maxInWindow, this.window.length);
  }

  throttledOne(): void {
    this.throttled += 1;
  }

  items(count: number): void {
    this.itemsReceived += count;
  }

  completed(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.seq += 1;
    this.log.push({ seq: this.seq, ...entry });
    if (this.log.length > LOG_CAP + LOG_CAP / 10) this.log = this.log.slice(-LOG_CAP);
  }

  entriesSince(since: number): RequestLogEntry[] {
    const entries = this.log.filter((entry) => entry.seq > since);
    return entries.length > LOG_CAP ? entries.slice(-LOG_CAP) : entries;
  }

  snapshot(products: number): SimulatorStats {
    return {
      requests: this.requests,
      byRoute: Object.fromEntries(this.byRoute),
      throttled: this.throttled,
      maxRequestsInAnyWindow: this.maxInWindow,
      itemsReceived: this.itemsReceived,
      products,
    };
  }

  reset(): void {
    this.requests = 0;
    this.byRoute = new Map();
    this.throttled = 0;
    this.itemsReceived = 0;
    this.maxInWindow = 0;
    this.window = [];
    this.log = [];
    this.seq = 0;
  }
}
