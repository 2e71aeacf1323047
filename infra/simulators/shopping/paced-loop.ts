/**
 * Calls `act` at a steady average rate, for the sample shoppers. A timer wakes every `tickMs` and catches
 * up on what the rate owes since the start, so 200 a second comes out as 200 a second, not as whatever
 * a 5 ms timer manages, and a slow tick is made good on the next one.
 */
export interface PacedLoop {
  /** Calls made so far. */
  readonly count: number;
  /** Change the rate from now on; 0 pauses. */
  setRate(perSecond: number): void;
  stop(): void;
}

export function startPacedLoop(
  perSecond: number,
  act: () => void,
  options: { tickMs?: number; now?: () => number } = {},
): PacedLoop {
  const now = options.now ?? (() => performance.now());
  let rate = Math.max(0, perSecond);
  let since = now();
  let owedBefore = 0; // calls owed by earlier rates, made or not
  let count = 0;
  let made = 0; // calls made since the last rate change, counted against owedBefore too
  const timer = setInterval(() => {
    const owed = owedBefore + Math.floor(((now() - since) / 1000) * rate);
    // Never more than a second's worth at once: a stalled process does not burst its backlog.
    let due = Math.min(owed - made, Math.max(1, Math.ceil(rate)));
    while (due > 0) {
      due -= 1;
      made += 1;
      count += 1;
      act();
    }
    if (owed - made > rate) made = owed - Math.ceil(rate);
  }, options.tickMs ?? 20);
  timer.unref();
  return {
    get count() {
      return count;
    },
    setRate(next) {
      owedBefore = made;
      since = now();
      rate = Math.max(0, next);
    },
    stop: () => clearInterval(timer),
  };
}
