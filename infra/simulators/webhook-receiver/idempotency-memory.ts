/**
 * The answers a receiver gave, by `Idempotency-Key`, so a re-sent request is answered again
 * instead of applied twice.
 *
 * The sender's key is the SHA-256 of the body, so an offer that goes A -> B -> A sends the very
 * first body again, and a receiver that remembered keys for ever would drop the third request and
 * keep B. So an answer is forgotten as soon as a later request touches one of its keys: a re-send
 * only ever comes before the next change of the same key (the sink delivers a key's records in
 * order and re-sends one until it has its answer), so it is still recognised, while a key that
 * returns to an earlier state is applied again.
 */
export interface RememberedAnswer {
  readonly status: number;
  readonly body: unknown;
  /** SHA-256 of the body answered, so a key reused with another body is caught. */
  readonly bodyHash: string;
  readonly keys: readonly string[];
}

export class IdempotencyMemory {
  readonly #answers = new Map<string, RememberedAnswer>();
  readonly #requestsByKey = new Map<string, Set<string>>();

  /** @param limit the most answers kept; the oldest go first (a re-send comes soon or not at all). */
  constructor(private readonly limit = 10_000) {}

  recall(idempotencyKey: string): RememberedAnswer | undefined {
    return this.#answers.get(idempotencyKey);
  }

  /** Forgets every answer of a request that carried one of `keys`. */
  forgetTouching(keys: readonly string[]): void {
    for (const key of keys) {
      for (const idempotencyKey of this.#requestsByKey.get(key) ?? []) this.#forget(idempotencyKey);
    }
  }

  remember(idempotencyKey: string, answer: RememberedAnswer): void {
    this.#forget(idempotencyKey);
    this.#answers.set(idempotencyKey, answer);
    for (const key of answer.keys) {
      const requests = this.#requestsByKey.get(key) ?? new Set<string>();
      requests.add(idempotencyKey);
      this.#requestsByKey.set(key, requests);
    }
    const oldest = this.#answers.keys().next();
    if (this.#answers.size > this.limit && !oldest.done) this.#forget(oldest.value);
  }

  #forget(idempotencyKey: string): void {
    const answer = this.#answers.get(idempotencyKey);
    if (answer === undefined) return;
    this.#answers.delete(idempotencyKey);
    for (const key of answer.keys) {
      const requests = this.#requestsByKey.get(key);
      requests?.delete(idempotencyKey);
      if (requests?.size === 0) this.#requestsByKey.delete(key);
    }
  }
}
