/**
 * HTTP `Retry-After` for the order intake: the sinks' reading of it (delay-seconds or an
 * HTTP-date), null when absent or unreadable so the caller's own backoff applies.
 */
import { parseRetryAfter } from '../sinks/retry-backoff.ts';

export function retryAfterMs(header: string | null, nowMs = Date.now()): number | null {
  return parseRetryAfter(header, nowMs) ?? null;
}
