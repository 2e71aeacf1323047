/** A GET with a short deadline, for health probes: the body, or why there is none. */
export async function probe(
  url: string,
  timeoutMs = 2000,
): Promise<{ ok: true; body: string } | { ok: false; reason: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return response.ok
      ? { ok: true, body }
      : { ok: false, reason: `HTTP ${response.status} from ${url}: ${body.slice(0, 200)}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, reason: `${url} is not answering (${cause ?? (error as Error).message})` };
  }
}
