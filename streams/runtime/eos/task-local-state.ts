/**
 * A task's local state: its store, the view the processor reads and writes (the store with the
 * open transaction's changes on top), and the checkpoint, the input offsets the state reflects.
 * The changes are written to the store only after the Kafka transaction that produced them has
 * committed, together with the checkpoint, in one store transaction.
 *
 * A write that fails (a full disk, EIO) comes after that Kafka commit: Kafka holds the outputs and
 * offsets of changes the store lost. Processing on, or the consumer fetching the batch again,
 * would count from a state behind Kafka (duplicates, and checkpoints covering changes never
 * stored). So the state is no longer trusted: on release its store is removed, and the task's next
 * start, finding none, rebuilds it from Kafka. Should the removal fail, LMDB's failed transaction
 * left the store at its last good checkpoint, which the next start replays from.
 */
import type { Logger } from 'pino';
import { SynclineError } from '../errors.ts';
import { TaskState } from '../state/task-state.ts';
import type { Checkpoint, TaskStore } from '../state/task-store.ts';

/** What a task needs of its store (TaskStore, LMDB). */
export type LocalStore = Pick<
  TaskStore,
  'path' | 'checkpoint' | 'get' | 'commit' | 'size' | 'wipe' | 'close' | 'discard'
>;

export class TaskLocalState {
  /** What the processor sees: the store with this transaction's changes on top. */
  readonly view: TaskState;
  private readonly checkpoint = new Map<string, string>();
  private untrusted = false;

  constructor(
    private readonly store: LocalStore,
    private readonly taskId: number,
    private readonly log: Logger,
  ) {
    this.view = new TaskState(store);
  }

  get path(): string {
    return this.store.path;
  }

  /** The offsets the stored state reflects, as last saved; undefined for a new or wiped store. */
  saved(): Checkpoint | undefined {
    return this.store.checkpoint();
  }

  /** Continues from the saved checkpoint (the store is current, or behind and replayed). */
  resumeFrom(saved: Checkpoint): void {
    for (const [tp, offset] of saved) this.checkpoint.set(tp, offset);
  }

  /** Empties the store, to rebuild it from Kafka; a failure leaves it untrusted (removed on release). */
  wipe(): void {
    try {
      this.store.wipe();
    } catch (error) {
      this.untrusted = true;
      throw error;
    }
  }

  /** The state now reflects input up to `offset` (next to read) of `tp`, once saved. */
  advance(tp: string, offset: string): void {
    this.checkpoint.set(tp, offset);
  }

  /**
   * Writes the changes since the last save with the checkpoint. A failure leaves the state
   * untrusted and throws a retriable STATE_STORE: the task must close and start again.
   */
  save(): void {
    try {
      this.store.commit(this.view.takeChanges(), this.checkpoint);
    } catch (error) {
      this.untrusted = true;
      this.log.error(
        { err: error, store: this.store.path },
        'local state could not be written; the task removes it, restarts and rebuilds it from Kafka',
      );
      throw new SynclineError(
        'STATE_STORE',
        `task ${this.taskId} could not write its local state store at ${this.store.path}: ${(error as Error).message}`,
        true,
        { cause: error },
      );
    }
  }

  /** Rows in the store (the state-size metric). */
  size(): number {
    return this.store.size();
  }

  /** Forgets unsaved changes (an aborted transaction's). */
  forgetChanges(): void {
    this.view.discard();
  }

  /** Closes the store, or removes it when it is no longer trusted. */
  async release(): Promise<void> {
    if (!this.untrusted) {
      await this.store.close().catch(() => undefined);
      return;
    }
    await this.store
      .discard()
      .catch((error: unknown) =>
        this.log.error({ err: error, store: this.store.path }, 'could not remove the local state store'),
      );
  }
}
