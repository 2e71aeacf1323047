/**
 * HTTP `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Null when absent or unreadable,
 * so the caller's own backoff applies.
 */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}
