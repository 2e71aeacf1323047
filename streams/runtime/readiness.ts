/**
 * Whether a role does its work, for the `/readyz` probe, and when it never will again.
 *
 * Each consumer of a role has a readiness, moved by its consumer's events (kafkajs GROUP_JOIN,
 * REBALANCING, CRASH) and, for a processor, by its tasks: a task is not running while it fences
 * its zombie, settles its committed offsets and seeks to where its restore begins, so a processor
 * is ready only once every task of its assignment has started. (The replay itself then runs in the
 * task's batches; its end is not reported here yet.) A role is ready when every consumer it runs is.
 *
 * A crash kafkajs restarts from (`restart: true`) leaves the consumer not ready until it joins
 * again. A crash it does not restart from leaves the consumer gone for good: kafkajs has
 * disconnected it and nothing will reconnect it, so the role's `onGone` ends the process, for its
 * supervisor (Kubernetes, systemd) to start a fresh one.
 *
 * The states, as a table of allowed moves (a move outside it is a wiring bug, WRONG_STATE):
 *
 *   starting    -> assigned | running | rebalancing | crashed | stopping | gone
 *   assigned    -> assigned | running | rebalancing | crashed | stopping | gone
 *   running     -> assigned | running | rebalancing | crashed | stopping | gone
 *   rebalancing -> assigned | running | rebalancing | crashed | stopping | gone
 *   crashed     -> assigned | running | rebalancing | crashed | stopping | gone
 *   stopping, gone: final; later events are ignored (kafkajs emits STOP, DISCONNECT and CRASH
 *   while a consumer shuts down, and a task may finish starting after its consumer is gone).
 */
import { SynclineError } from './errors.ts';

export type ConsumerState =
  'starting' | 'assigned' | 'running' | 'rebalancing' | 'crashed' | 'stopping' | 'gone';

const live = ['assigned', 'running', 'rebalancing', 'crashed', 'stopping', 'gone'] as const;

const allowedMoves: Readonly<Record<ConsumerState, readonly ConsumerState[]>> = {
  starting: live,
  assigned: live,
  running: live,
  rebalancing: live,
  crashed: live,
  stopping: [],
  gone: [],
};

const final = (state: ConsumerState) => allowedMoves[state].length === 0;

/** One consumer's readiness; its events are called by the consumer's wiring, in any order. */
export class ConsumerReadiness {
  #state: ConsumerState = 'starting';
  /** Tasks of the current assignment that have not started yet. */
  readonly #pending = new Set<number>();

  constructor(
    readonly name: string,
    private readonly onGone: (error: Error) => void,
  ) {}

  get state(): ConsumerState {
    return this.#state;
  }

  get ready(): boolean {
    return this.#state === 'running';
  }

  /** The group gave this consumer its assignment: these tasks start now (none for a sink). */
  assigned(tasks: readonly number[]): void {
    this.#pending.clear();
    for (const task of tasks) this.#pending.add(task);
    this.#move(this.#pending.size === 0 ? 'running' : 'assigned');
  }

  /** A task (re)starts: until it has, the consumer does not run all of its assignment. */
  taskStarting(task: number): void {
    if (final(this.#state)) return;
    this.#pending.add(task);
    if (this.#state === 'running') this.#move('assigned');
  }

  /** A task runs: its fencing, offset settling and restore are done. */
  taskStarted(task: number): void {
    if (final(this.#state)) return;
    this.#pending.delete(task);
    if (this.#state === 'assigned' && this.#pending.size === 0) this.#move('running');
  }

  /** The group rebalances: the assignment is about to change. */
  rebalancing(): void {
    this.#move('rebalancing');
  }

  /** kafkajs's CRASH event: `restart` false means it gave up on the consumer for good. */
  crashed(error: Error, restart: boolean): void {
    if (final(this.#state)) return;
    if (restart) return this.#move('crashed');
    this.#move('gone');
    this.onGone(error);
  }

  /** The role stops the consumer on purpose: not ready, and not a death. */
  stopping(): void {
    this.#move('stopping');
  }

  #move(to: ConsumerState): void {
    if (final(this.#state)) return;
    if (!allowedMoves[this.#state].includes(to)) {
      throw new SynclineError('WRONG_STATE', `consumer ${this.name} cannot go from ${this.#state} to ${to}`);
    }
    this.#state = to;
  }
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly consumers: Readonly<Record<string, ConsumerState>>;
}

/** A role's readiness: ready when it runs at least one consumer and every one of them is ready. */
export class RoleReadiness {
  readonly #consumers = new Map<string, ConsumerReadiness>();

  /** Called when a consumer of the role is gone for good, with its name and why. */
  constructor(private readonly onGone: (consumer: string, error: Error) => void) {}

  /** The readiness of a consumer the role is about to start. */
  consumer(name: string): ConsumerReadiness {
    if (this.#consumers.has(name)) {
      throw new SynclineError('WRONG_STATE', `a consumer named ${name} is already registered`);
    }
    const readiness = new ConsumerReadiness(name, (error) => this.onGone(name, error));
    this.#consumers.set(name, readiness);
    return readiness;
  }

  report(): ReadinessReport {
    const consumers = [...this.#consumers.values()];
    return {
      ready: consumers.length > 0 && consumers.every((c) => c.ready),
      consumers: Object.fromEntries(consumers.map((c) => [c.name, c.state])),
    };
  }
}
