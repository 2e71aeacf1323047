/** Instant queries to the local stack's Prometheus, answered as label sets and numbers. */
import { prometheusUrl } from '../../infra/local/stack-config.ts';

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export async function queryPrometheus(expr: string): Promise<Sample[]> {
  const response = await fetch(`${prometheusUrl()}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success' || !body.data)
    throw new Error(`Prometheus: ${body.error ?? response.status}`);
  return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}
