/**
 * A response body read up to a size limit. `response.text()` reads whatever the channel sends into
 * memory: a channel, or a proxy in front of it, answering with a dump of its catalogue or an
 * endless stream would take the sink's heap down with it. Past the limit the body is cancelled,
 * which closes the connection, so the rest is never received.
 */
export async function boundedText(response: Response, maxBytes: number): Promise<string | undefined> {
  const announced = Number(response.headers.get('content-length') ?? Number.NaN);
  if (announced > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  // As response.text() decodes: UTF-8, a byte order mark dropped.
  return new TextDecoder().decode(Buffer.concat(chunks));
}
