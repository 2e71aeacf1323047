/**
 * Injected faults (a test harness feature, not Magento's). Request faults (`status`, `throttle`, `timeout`)
 * answer in place of Magento before anything is read or stored, the way an overloaded PHP-FPM pool or the
 * CDN in front of it would; they last `forMs` from injection and/or for the next `count` requests whose path
 * matches `paths` (a regular expression; every `/rest` path when omitted), and with neither they last until
 * cleared. `reject-sku` and `bulk-retriable` act inside the product save and the async consumer.
 */
import { isJsonObject } from './json-value.ts';

interface RequestWindow {
  /** Lasts this long after injection. */
  forMs?: number;
  /** Lasts for this many matching requests. */
  count?: number;
  /** Regular expression tested against the request path (e.g. `/rest/V1/products`). */
  paths?: string;
}

/**
 * Answer with this status: 500 as Magento's masked error, 502/503 as a proxy's HTML page, 401 as
 * Magento refusing the caller's token (a revoked integration, a rotated credential), whatever the
 * request carries.
 */
export interface StatusFault extends RequestWindow {
  kind: 'status';
  status: 401 | 500 | 502 | 503;
}

/** A CDN/WAF 429 with `Retry-After` and a non-JSON body. */
export interface ThrottleFault extends RequestWindow {
  kind: 'throttle';
  retryAfterSeconds: number;
}

/** Accept the connection and never answer: held for `holdMs` (default 60 s) or until the simulator closes. */
export interface TimeoutFault extends RequestWindow {
  kind: 'timeout';
  holdMs?: number;
}

/** Saves of these SKUs fail with `The "%1" attribute value is empty.` naming `attribute`, until cleared. */
export interface RejectSkuFault {
  kind: 'reject-sku';
  skus: string[];
  attribute: string;
}

/** The next `count` async bulk operations end with status 2 (failed, retriable) and no side effect. */
export interface BulkRetriableFault {
  kind: 'bulk-retriable';
  count: number;
}

export type RequestFault = StatusFault | ThrottleFault | TimeoutFault;
export type Fault = RequestFault | RejectSkuFault | BulkRetriableFault;

export const DEFAULT_TIMEOUT_HOLD_MS = 60_000;

interface ActiveRequestFault {
  fault: RequestFault;
  until: number | null;
  remaining: number | null;
  paths: RegExp | null;
}

export class FaultBook {
  private requestFaults: ActiveRequestFault[] = [];
  private rejected = new Map<string, string>();
  private retriable = 0;

  constructor(private readonly clock: () => number = () => Date.now()) {}

  inject(fault: Fault): void {
    switch (fault.kind) {
      case 'reject-sku':
        for (const sku of fault.skus) this.rejected.set(sku.trim().toLowerCase(), fault.attribute);
        return;
      case 'bulk-retriable':
        this.retriable += fault.count;
        return;
      default:
        this.requestFaults.push({
          fault,
          until: fault.forMs === undefined ? null : this.clock() + fault.forMs,
          remaining: fault.count ?? null,
          paths: fault.paths === undefined ? null : new RegExp(fault.paths),
        });
    }
  }

  clear(): void {
    this.requestFaults = [];
    this.rejected = new Map();
    this.retriable = 0;
  }

  /** The first active request fault matching `path`, consuming one of its `count`. */
  takeRequestFault(path: string): RequestFault | null {
    const now = this.clock();
    this.requestFaults = this.requestFaults.filter(
      (active) =>
        (active.until === null || now < active.until) && (active.remaining === null || active.remaining > 0),
    );
    const match = this.requestFaults.find((active) => active.paths === null || active.paths.test(path));
    if (!match) return null;
    if (match.remaining !== null) match.remaining -= 1;
    return match.fault;
  }

  rejectedAttribute(sku: string): string | null {
    return this.rejected.get(sku.trim().toLowerCase()) ?? null;
  }

  takeRetriableFailure(): boolean {
    if (this.retriable <= 0) return false;
    this.retriable -= 1;
    return true;
  }
}

/** Validate a fault sent as JSON to `POST /__simulator/faults`; throws an Error saying what is wrong. */
export function parseFault(input: unknown): Fault {
  if (!isJsonObject(input)) throw new Error('a fault is a JSON object with a "kind"');
  const window = (): RequestWindow => ({
    ...optionalNumber(input, 'forMs'),
    ...optionalNumber(input, 'count'),
    ...(input.paths === undefined ? {} : { paths: regexSource(input.paths) }),
  });
  switch (input.kind) {
    case 'status': {
      const status = input.status;
      if (status !== 401 && status !== 500 && status !== 502 && status !== 503)
        throw new Error('status must be 401, 500, 502 or 503');
      return { kind: 'status', status, ...window() };
    }
    case 'throttle': {
      const retryAfterSeconds = input.retryAfterSeconds;
      if (typeof retryAfterSeconds !== 'number' || retryAfterSeconds < 0)
        throw new Error('retryAfterSeconds must be a number >= 0');
      return { kind: 'throttle', retryAfterSeconds, ...window() };
    }
    case 'timeout':
      return { kind: 'timeout', ...window(), ...optionalNumber(input, 'holdMs') };
    case 'reject-sku': {
      const { skus, attribute } = input;
      if (!Array.isArray(skus) || !skus.every((sku): sku is string => typeof sku === 'string'))
        throw new Error('skus must be an array of strings');
      if (typeof attribute !== 'string' || attribute === '')
        throw new Error('attribute must be a non-empty string');
      return { kind: 'reject-sku', skus, attribute };
    }
    case 'bulk-retriable': {
      const count = input.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
        throw new Error('count must be a positive integer');
      return { kind: 'bulk-retriable', count };
    }
    default:
      throw new Error('kind must be one of status, throttle, timeout, reject-sku, bulk-retriable');
  }
}

function optionalNumber<K extends 'forMs' | 'count' | 'holdMs'>(
  input: Record<string, unknown>,
  key: K,
): Partial<Record<K, number>> {
  const value = input[key];
  if (value === undefined) return {};
  if (typeof value !== 'number' || !(value >= 0)) throw new Error(`${key} must be a number >= 0`);
  return { [key]: value } as Partial<Record<K, number>>;
}

function regexSource(value: unknown): string {
  if (typeof value !== 'string') throw new Error('paths must be a regular expression string');
  new RegExp(value); // throws SyntaxError on a bad pattern
  return value;
}
