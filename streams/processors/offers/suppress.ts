/**
 * Suppression (ARCHITECTURE: for every key of a channel topic, no two consecutive values are
 * equal), so channel APIs are not hit for nothing. The engine keeps, per (channel, key), what it
 * last wrote to the channel topic, in the same state store transaction as the write:
 *
 *   - a string: the content hash of the offer last written;
 *   - null: a tombstone was last written;
 *   - undefined: nothing was ever written for the key.
 *
 * null and undefined lead to the same decisions (an offer is written, a tombstone is not), so the
 * offers processor stores no null: a deleted key leaves nothing in the state.
 *
 * A tombstone for a key never written is not written either: the channel never had the SKU, and
 * a compacted topic full of tombstones for products a channel filters out would make every sink
 * send deletes for things it never created. Parks go to the DLQ, not the channel topic, so they
 * are always passed on and do not change what was last written.
 */
import type { OfferOutcome } from './offer.ts';

export type LastEmitted = string | null | undefined;

export interface SuppressDecision {
  readonly emit: boolean;
  /** What to remember for the key after this outcome (unchanged when nothing is written). */
  readonly next: LastEmitted;
}

export function suppress(last: LastEmitted, outcome: OfferOutcome): SuppressDecision {
  switch (outcome.kind) {
    case 'offer':
      return last === outcome.hash ? { emit: false, next: last } : { emit: true, next: outcome.hash };
    case 'tombstone':
      return typeof last === 'string' ? { emit: true, next: null } : { emit: false, next: last };
    case 'park':
      return { emit: true, next: last };
  }
}

export interface SuppressedOutcomes {
  /** The outcomes to write, in order. */
  readonly emit: readonly OfferOutcome[];
  /** Key -> what to store as last written, for every key whose memory changes. */
  readonly remember: ReadonlyMap<string, string | null>;
}

/**
 * `suppress` over one call's outcomes for one channel, where a key may appear more than once (a
 * park and its tombstone): each is judged against what the earlier ones left.
 */
export function suppressOutcomes(
  outcomes: readonly OfferOutcome[],
  lastOf: (key: string) => LastEmitted,
): SuppressedOutcomes {
  const remember = new Map<string, string | null>();
  const emit: OfferOutcome[] = [];
  for (const outcome of outcomes) {
    const last = remember.has(outcome.key) ? remember.get(outcome.key) : lastOf(outcome.key);
    const decision = suppress(last, outcome);
    if (decision.emit) emit.push(outcome);
    if (decision.next !== last && decision.next !== undefined) remember.set(outcome.key, decision.next);
  }
  return { emit, remember };
}
