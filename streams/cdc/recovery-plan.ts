/**
 * What the CDC watchdog does about a stalled connector, decided from what it sees: a pure function,
 * so every branch has a unit test.
 *
 * The escalation, in order:
 * 1. The ERP database does not answer: nothing to do in Connect; the task resumes when it is back.
 * 2. Connect does not know the connector: a person must apply it; say so.
 * 3. A restart was asked for recently: give the task time to resume.
 * 4. The replication slot is held by a connection (of the connector's own database user) that was
 *    already open when the source went quiet: it has streamed nothing since, not even a heartbeat,
 *    so no live task reads through it. It is the walsender of a task Connect abandoned (after a
 *    broker restart, say), and it keeps every new task from taking the slot. End it, then restart.
 * 5. Otherwise: restart the connector and all its tasks (Connect's restart, KIP-745).
 */

export interface SlotHolder {
  readonly pid: number;
  /** When the holding connection began (ms since the epoch). */
  readonly backendStart: number;
}

export interface ConnectorView {
  /** The connector's and its tasks' states in Connect, or null when Connect has no such connector. */
  readonly status: { readonly connector: string; readonly tasks: readonly string[] } | null;
  readonly databaseReachable: boolean;
  /** Who holds the replication slot now, when the connector has one and it is held. */
  readonly slotHolder: SlotHolder | undefined;
}

export type RecoveryStep =
  | { readonly action: 'wait'; readonly reason: string }
  | { readonly action: 'restart'; readonly reason: string }
  | { readonly action: 'end-slot-holder-and-restart'; readonly pid: number; readonly reason: string };

export interface RecoveryMemory {
  /** When the source last showed a sign of life (heartbeat or change). */
  readonly quietSince: number;
  /** When the watchdog last asked Connect to restart this connector, if it has. */
  readonly lastRestartAt: number | undefined;
}

export function recoveryStep(
  view: ConnectorView,
  memory: RecoveryMemory,
  now: number,
  restartGraceMs: number,
): RecoveryStep {
  if (!view.databaseReachable)
    return { action: 'wait', reason: 'the ERP database does not answer; the task resumes once it is back' };
  if (view.status === null)
    return {
      action: 'wait',
      reason: 'Kafka Connect has no such connector; apply it (npm run connectors:apply)',
    };
  const { lastRestartAt } = memory;
  if (lastRestartAt !== undefined && now - lastRestartAt < restartGraceMs)
    return { action: 'wait', reason: 'restarted recently; waiting for its task to resume' };
  const holder = view.slotHolder;
  if (holder !== undefined && holder.backendStart <= memory.quietSince) {
    return {
      action: 'end-slot-holder-and-restart',
      pid: holder.pid,
      reason: `the replication slot is held by connection ${holder.pid}, open since ${new Date(holder.backendStart).toISOString()}, which has streamed nothing since the source went quiet at ${new Date(memory.quietSince).toISOString()}`,
    };
  }
  const states = `connector ${view.status.connector}, tasks ${view.status.tasks.join(', ') || 'none'}`;
  return { action: 'restart', reason: `no heartbeat and no change (${states})` };
}
