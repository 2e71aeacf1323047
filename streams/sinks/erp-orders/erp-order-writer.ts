/**
 * The ERP order writer: one ERP order command -> the ERP's interchange tables, in one database
 * transaction, effectively once. Built for a sink worker that delivers at least once: call
 * `write` per record, as often as the record comes, from as many workers as run; the same
 * command always answers the same ERP order and writes nothing the second time.
 *
 * How: the order's row is found and locked first (or inserted, unless a concurrent writer got
 * there first: the unique key on (sales channel, channel order id) is the last line of defence),
 * and the convention of order-decision.ts says what a command does to an order the ERP holds.
 * Header, lines and the status history row commit together or not at all.
 *
 * Lifecycle: `openErpOrderWriter` once per worker, `write` any number of times (concurrently),
 * then `close`, which ends the database pool.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import {
  checkErpOrderCommand,
  commandDigest,
  orderLabel,
  type ErpOrderCommand,
} from '../../contracts/orders/index.ts';
import { SynclineError } from '../../runtime/errors.ts';
import { refused, unchanged, written, type ErpOrderWrite } from './erp-order-write.ts';
import { decideOrderChange } from './order-decision.ts';
import { salesOrderLineRows, salesOrderRow, statusNote } from './order-rows.ts';
import {
  addStatus,
  cancelOrder,
  deleteLines,
  insertLines,
  lockOrder,
  missingValues,
  rewriteOrder,
} from './order-statements.ts';
import type { OrderSession, OrderStore } from './order-store.ts';
import { openMariadbOrderStore } from './mariadb-order-store.ts';
import { openPostgresOrderStore } from './postgres-order-store.ts';

export interface ErpOrderWriter {
  /**
   * Writes one command (checked first: a malformed one is refused, never written). Resolves with
   * what happened; rejects with a SynclineError `ERP_ORDER_WRITE` whose `retriable` says whether
   * the same call may pass later (the database away) or not (a defect).
   */
  write(command: ErpOrderCommand): Promise<ErpOrderWrite>;
  close(): Promise<void>;
}

export type ErpOrderDatabase =
  | {
      readonly database: 'postgres';
      readonly url: string;
      readonly schema: string;
      readonly poolSize?: number;
    }
  | { readonly database: 'mariadb'; readonly url: string; readonly poolSize?: number };

export interface ErpOrderWriterOptions {
  /** Tries of one write that lose a lock conflict to a concurrent writer. Default 6. */
  readonly conflictAttempts?: number;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** Thrown inside a transaction to roll it back and try the write again. */
class OrderVanished extends Error {}

export function openErpOrderStore(target: ErpOrderDatabase): OrderStore {
  return target.database === 'postgres'
    ? openPostgresOrderStore({ url: target.url, schema: target.schema, poolSize: target.poolSize })
    : openMariadbOrderStore({ url: target.url, poolSize: target.poolSize });
}

export const openErpOrderWriter = (
  target: ErpOrderDatabase,
  options: ErpOrderWriterOptions = {},
): ErpOrderWriter => createErpOrderWriter(openErpOrderStore(target), options);

export function createErpOrderWriter(store: OrderStore, options: ErpOrderWriterOptions = {}): ErpOrderWriter {
  const attempts = options.conflictAttempts ?? 6;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const random = options.random ?? Math.random;

  /** `known.id`: the ERP order once found (an order inserted here is gone after a rollback). */
  async function writeOnce(
    session: OrderSession,
    command: ErpOrderCommand,
    digest: string,
    known: { id: string | null },
  ): Promise<ErpOrderWrite> {
    const at = now();
    const row = salesOrderRow(command, digest, at);
    let stored = await lockOrder(store, session, command.channel, command.channelOrderId);
    if (stored === null) {
      const id = await session.insertOrderUnlessPresent(row);
      if (id !== null) {
        // An amendment or cancellation of an order the ERP never saw records the order as the
        // channel has it, so a late placement of it is recognised and creates nothing.
        const change = command.kind === 'cancel' ? 'cancelled' : 'placed';
        await insertLines(store, session, id, salesOrderLineRows(command));
        await addStatus(store, session, id, row.status, statusNote(command, change), at);
        return written(command, change, id);
      }
      stored = await lockOrder(store, session, command.channel, command.channelOrderId);
      if (stored === null) throw new OrderVanished('the order was deleted between two statements');
    }
    known.id = stored.id;
    const decision = decideOrderChange(stored, command, digest);
    switch (decision.action) {
      case 'none':
        return unchanged(command, decision.why, stored.id);
      case 'refuse':
        return refused(command, decision.code, stored.id, decision.reason);
      case 'cancel':
        await cancelOrder(store, session, stored.id, row, at);
        await addStatus(store, session, stored.id, 'cancelled', statusNote(command, 'cancelled'), at);
        return written(command, 'cancelled', stored.id);
      case 'amend':
        await rewriteOrder(store, session, stored.id, row, at);
        await deleteLines(store, session, stored.id);
        await insertLines(store, session, stored.id, salesOrderLineRows(command));
        await addStatus(store, session, stored.id, 'new', statusNote(command, 'amended'), at);
        return written(command, 'amended', stored.id);
    }
  }

  /** Names what a foreign key refused, read after the rollback. */
  async function unknownReferences(command: ErpOrderCommand): Promise<string> {
    const skus = await missingValues(
      store,
      'product',
      'sku',
      command.lines.map((l) => l.sku),
    );
    const warehouses = await missingValues(
      store,
      'warehouse',
      'code',
      command.lines.map((l) => l.warehouse),
    );
    const customer = command.buyer.customerCode;
    const customers = customer === null ? [] : await missingValues(store, 'customer', 'code', [customer]);
    const named = [
      ...skus.map((sku) => `SKU ${sku} is unknown to the ERP`),
      ...warehouses.map((code) => `warehouse ${code} is unknown to the ERP`),
      ...customers.map((code) => `customer ${code} is unknown to the ERP`),
    ];
    return named.length > 0 ? named.join('; ') : 'a value it refers to is unknown to the ERP';
  }

  const databaseTitle = store.database === 'postgres' ? 'the PostgreSQL ERP' : 'the MariaDB ERP';

  async function write(input: ErpOrderCommand): Promise<ErpOrderWrite> {
    const check = checkErpOrderCommand(input);
    if (!check.ok) {
      return { outcome: 'refused', code: 'INVALID_COMMAND', erpOrderId: null, message: check.message };
    }
    const { command } = check;
    const digest = commandDigest(command);
    for (let attempt = 1; ; attempt++) {
      const known: { id: string | null } = { id: null };
      try {
        return await store.transaction((session) => writeOnce(session, command, digest, known));
      } catch (error) {
        const failure = error instanceof OrderVanished ? 'conflict' : store.classify(error);
        if (failure === 'conflict' && attempt < attempts) {
          // Jittered, growing pauses, so writers that collided do not collide again in step.
          await sleep(Math.round((10 + random() * 40) * attempt));
          continue;
        }
        if (failure === 'unknown-reference') {
          // Named for what was refused: a placement, or a change of an order the ERP holds.
          const what = { place: 'order', amend: 'amendment', cancel: 'cancellation' }[command.kind];
          const reason = `${await unknownReferences(command)}, ${what} refused`;
          return refused(command, 'UNKNOWN_REFERENCE', known.id, reason);
        }
        if (failure === 'constraint') {
          const said = error instanceof Error ? error.message : String(error);
          return refused(command, 'ERP_CONSTRAINT', known.id, `${databaseTitle} refused the order: ${said}`);
        }
        const retriable = failure === 'conflict' || failure === 'unavailable';
        const why =
          failure === 'conflict'
            ? `lost ${attempts} lock conflicts in a row`
            : failure === 'unavailable'
              ? `${databaseTitle} is not reachable`
              : `${databaseTitle} failed`;
        const said = error instanceof Error ? error.message : String(error);
        throw new SynclineError('ERP_ORDER_WRITE', `${orderLabel(command)}: ${why}: ${said}`, retriable, {
          cause: error,
        });
      }
    }
  }

  return { write, close: () => store.close() };
}
