/**
 * Reading a role's /metrics in the benches: prom-client's text format parsed into series
 * (`name{labels}` -> value), summed by metric name, and histogram quantiles between two scrapes.
 * prom-client writes this format but does not read it; the subset it writes (no timestamps, the
 * value last on the line) is all that is parsed here.
 */

/** One scrape: `name{labels}` -> value. */
export type Scrape = Map<string, number>;

export function parseMetrics(text: string): Scrape {
  const values: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

export async function scrapeMetrics(url: string): Promise<Scrape> {
  return parseMetrics(await (await fetch(url)).text());
}

/** The sum over every series of a metric whose labels contain `labelFilter`; undefined if none. */
export function sumOf(values: Scrape, metric: string, labelFilter = ''): number | undefined {
  let sum: number | undefined;
  for (const [series, value] of values) {
    if ((series === metric || series.startsWith(`${metric}{`)) && series.includes(labelFilter))
      sum = (sum ?? 0) + value;
  }
  return sum;
}

export const total = (values: Scrape, metric: string, labelFilter = ''): number =>
  sumOf(values, metric, labelFilter) ?? 0;

/** A quantile of a histogram over the phase (bucket counts after minus before), in ms. */
export function histogramQuantile(before: Scrape, after: Scrape, metric: string, q: number): number {
  const buckets = new Map<number, number>();
  for (const [series, value] of after) {
    const match = new RegExp(`^${metric}_bucket\\{.*le="([^"]+)"`).exec(series);
    if (!match?.[1]) continue;
    const le = match[1] === '+Inf' ? Infinity : Number(match[1]);
    buckets.set(le, (buckets.get(le) ?? 0) + value - (before.get(series) ?? 0));
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const count = sorted.at(-1)?.[1] ?? 0;
  if (count === 0) return NaN;
  const found = sorted.find(([, cumulative]) => cumulative >= q * count);
  return (found?.[0] ?? Infinity) * 1000;
}
