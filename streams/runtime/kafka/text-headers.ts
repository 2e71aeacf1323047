/**
 * Kafka record headers as text, the way syncline writes them (one UTF-8 value per name); for a
 * name sent more than once, the first value.
 */
import type { IHeaders } from 'kafkajs';

export function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}
