/**
 * What the sample ERP's own users do with orders syncline wrote: pick an order up (the ERP takes
 * it over; from then on the channel can no longer amend or cancel it) and ship it with a carrier's
 * tracking number. Each is one transaction with its row in `sales_order_status`. Used by tests
 * and the demo's ERP activity, on either database.
 *
 * Picking up does not touch stock yet: the reservation that an allocation raises on the stock rows
 * belongs to the oversell work.
 */
import type pg from 'pg';
import type mysql from 'mysql2/promise';
import {
  connectMariadb,
  connectPostgres,
  defaultSettings,
  type DatabaseSettings,
  type ErpTarget,
} from './connect.ts';

export interface ParcelLine {
  readonly lineNo: number;
  readonly quantity: number;
}

export interface Parcel {
  readonly warehouse: string;
  readonly carrierCode: string;
  readonly carrierName: string;
  readonly trackingNumber: string;
  /** Default: every line of the order, in full. */
  readonly lines?: readonly ParcelLine[];
}

export interface ErpOrderDesk {
  /** Takes a `new` order over; false when it is not `new` (picked up, cancelled) or unknown. */
  pickUp(orderId: string): Promise<boolean>;
  /** Ships a picked-up order (or part of it); returns the shipment id. */
  ship(orderId: string, parcel: Parcel): Promise<string>;
  close(): Promise<void>;
}

/** `?` placeholders in both databases; tables unqualified (the PostgreSQL session's search path). */
type Query = (sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

const byErp = 'erp';

function deskOn(query: Query, close: () => Promise<void>): ErpOrderDesk {
  async function inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await query('BEGIN');
    try {
      const result = await work();
      await query('COMMIT');
      return result;
    } catch (error) {
      await query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  return {
    pickUp: (orderId) =>
      inTransaction(async () => {
        const [order] = await query('SELECT status FROM sales_order WHERE id = ? FOR UPDATE', [orderId]);
        if (order?.status !== 'new') return false;
        const now = new Date();
        await query(
          "UPDATE sales_order SET status = 'picked_up', picked_up_at = ?, updated_at = ? WHERE id = ?",
          [now, now, orderId],
        );
        await query(
          "INSERT INTO sales_order_status (order_id, status, note, changed_by, changed_at) VALUES (?, 'picked_up', 'picked up for fulfilment', ?, ?)",
          [orderId, byErp, now],
        );
        return true;
      }),
    ship: (orderId, parcel) =>
      inTransaction(async () => {
        const ordered = await query(
          'SELECT line_no, quantity FROM sales_order_line WHERE order_id = ? ORDER BY line_no',
          [orderId],
        );
        const lines =
          parcel.lines ?? ordered.map((l) => ({ lineNo: Number(l.line_no), quantity: Number(l.quantity) }));
        const now = new Date();
        await query(
          `INSERT INTO shipment (order_id, warehouse_code, carrier_code, carrier_name, tracking_number, shipped_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [orderId, parcel.warehouse, parcel.carrierCode, parcel.carrierName, parcel.trackingNumber, now],
        );
        const [shipment] = await query(
          'SELECT id FROM shipment WHERE carrier_code = ? AND tracking_number = ?',
          [parcel.carrierCode, parcel.trackingNumber],
        );
        const shipmentId = String(shipment?.id);
        for (const line of lines) {
          await query(
            'INSERT INTO shipment_line (shipment_id, order_id, line_no, quantity) VALUES (?, ?, ?, ?)',
            [shipmentId, orderId, line.lineNo, line.quantity],
          );
        }
        // Shipped in full once every ordered unit is in some parcel.
        const [open] = await query(
          `SELECT count(*) AS n FROM sales_order_line l
            WHERE l.order_id = ? AND l.quantity > (SELECT coalesce(sum(s.quantity), 0) FROM shipment_line s
                                                    WHERE s.order_id = l.order_id AND s.line_no = l.line_no)`,
          [orderId],
        );
        const status = Number(open?.n) === 0 ? 'shipped' : 'partially_shipped';
        await query('UPDATE sales_order SET status = ?, updated_at = ? WHERE id = ?', [status, now, orderId]);
        await query(
          'INSERT INTO sales_order_status (order_id, status, note, changed_by, changed_at) VALUES (?, ?, ?, ?, ?)',
          [orderId, status, `${parcel.carrierName} ${parcel.trackingNumber}`, byErp, now],
        );
        return shipmentId;
      }),
    close,
  };
}

export async function openErpOrderDesk(
  target: ErpTarget,
  settings: DatabaseSettings = defaultSettings(target),
): Promise<ErpOrderDesk> {
  if (target === 'postgres') {
    const client: pg.Client = await connectPostgres(settings);
    await client.query('SET search_path = erp');
    const query: Query = async (sql, params = []) => {
      let n = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++n}`),
          [...params],
        )
      ).rows as Record<string, unknown>[];
    };
    return deskOn(query, () => client.end());
  }
  const connection: mysql.Connection = await connectMariadb(settings);
  const query: Query = async (sql, params = []) => {
    const [rows] = await connection.query(sql === 'BEGIN' ? 'START TRANSACTION' : sql, [...params]);
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  };
  return deskOn(query, () => connection.end());
}
