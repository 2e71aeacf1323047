/**
 * The Magento poller's cursor. Magento's `updated_at` has whole seconds, so "after the last order seen"
 * cannot be said with `gt` (an order changed later in the same second would be lost); the poller asks
 * `gteq since` and skips what it already emitted at that second. So the cursor is the second plus, for
 * each order emitted with exactly that `updated_at`, a fingerprint of the version emitted and its
 * sequence: the same version is skipped, a different one (a second change within the same second) is a
 * new version with the next sequence.
 *
 * Serialised as JSON text with a format number, so a stored cursor stays readable after an upgrade.
 */
import { SynclineError } from '../runtime/errors.ts';
import { magentoTimeMs } from './magento-order.ts';

export interface EmittedVersion {
  /** Short hash of the order's JSON as emitted. */
  readonly fingerprint: string;
  readonly sequence: number;
}

export interface MagentoOrderCursor {
  /** Magento time `YYYY-MM-DD HH:MM:SS` (UTC): the next poll asks `updated_at >= since`. */
  readonly since: string;
  /** `${entity_id}@${updated_at}` -> what was emitted, for orders with `updated_at >= since`. */
  readonly emitted: Readonly<Record<string, EmittedVersion>>;
}

const FORMAT = 1;

export function versionKey(entityId: string, updatedAt: string): string {
  return `${entityId}@${updatedAt}`;
}

export function encodeMagentoCursor(cursor: MagentoOrderCursor): string {
  const emitted = Object.fromEntries(
    Object.entries(cursor.emitted).map(([key, version]) => [key, [version.fingerprint, version.sequence]]),
  );
  return JSON.stringify({ format: FORMAT, since: cursor.since, emitted });
}

function unreadable(text: string, why: string): SynclineError {
  return new SynclineError('WRONG_STATE', `a Magento order cursor ${why}: ${text.slice(0, 120)}`);
}

export function decodeMagentoCursor(text: string): MagentoOrderCursor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unreadable(text, 'is not JSON');
  }
  const { format, since, emitted } = (value ?? {}) as {
    format?: unknown;
    since?: unknown;
    emitted?: unknown;
  };
  if (format !== FORMAT) throw unreadable(text, `has format ${String(format)}, not ${FORMAT}`);
  if (typeof since !== 'string' || !Number.isFinite(magentoTimeMs(since)))
    throw unreadable(text, 'has no Magento time in since');
  if (typeof emitted !== 'object' || emitted === null) throw unreadable(text, 'has no emitted map');
  const versions: Record<string, EmittedVersion> = {};
  for (const [key, entry] of Object.entries(emitted)) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number')
      throw unreadable(text, `has a bad entry for ${key}`);
    versions[key] = { fingerprint: entry[0], sequence: entry[1] };
  }
  return { since, emitted: versions };
}
