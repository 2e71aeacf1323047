/**
 * A digest of a command's whole content: equal digests, equal commands. The ERP order sink keeps
 * the digest of the last command it applied, so the same command delivered again (a replay, a
 * second delivery after a crash between the database commit and the Kafka commit) is recognised
 * and changes nothing, even after the ERP moved the order on.
 *
 * SHA-256 over JSON with the keys sorted, so the digest does not depend on how a decoder ordered
 * the fields.
 */
import { createHash } from 'node:crypto';
import type { ErpOrderCommand } from './erp-order-command.ts';

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 64 hex characters. */
export const commandDigest = (command: ErpOrderCommand): string =>
  createHash('sha256').update(canonicalJson(command)).digest('hex');
