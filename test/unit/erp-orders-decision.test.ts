/**
 * The convention for an order the ERP already holds, rule by rule, and the rows a command becomes:
 * pure functions, no database.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commandDigest } from '../../streams/contracts/orders/index.ts';
import { unchanged, written, refused } from '../../streams/sinks/erp-orders/erp-order-write.ts';
import {
  decideOrderChange,
  type OrderStatus,
  type StoredOrder,
} from '../../streams/sinks/erp-orders/order-decision.ts';
import {
  salesOrderColumns,
  salesOrderLineRows,
  salesOrderRow,
  statusNote,
} from '../../streams/sinks/erp-orders/order-rows.ts';
import { laterVersion, orderCommand } from '../helpers/order-commands.ts';

const placed = orderCommand();
const stored = (status: OrderStatus, over: Partial<StoredOrder> = {}): StoredOrder => ({
  id: '42',
  status,
  commandDigest: commandDigest(placed),
  channelUpdatedAtMs: placed.channelUpdatedAtMs,
  ...over,
});
const amend = laterVersion(placed, 60_000, { kind: 'amend', shippingAmount: '0' });
const cancel = laterVersion(placed, 60_000, { kind: 'cancel', cancelReason: 'buyer asked' });
const decide = (order: StoredOrder, command = amend) =>
  decideOrderChange(order, command, commandDigest(command));

describe('decideOrderChange', () => {
  test('the command last applied, again, changes nothing whatever the status', () => {
    for (const status of ['new', 'picked_up', 'shipped', 'cancelled'] as const) {
      assert.deepEqual(decide(stored(status), placed), { action: 'none', why: 'same-command' });
    }
    const afterAmend = stored('picked_up', { commandDigest: commandDigest(amend) });
    assert.deepEqual(decide(afterAmend, amend), { action: 'none', why: 'same-command' });
  });

  test('a placement never changes an existing order, even a newer one', () => {
    const again = laterVersion(placed, 5_000, { kind: 'place', shippingAmount: '0' });
    assert.deepEqual(decide(stored('new'), again), { action: 'none', why: 'already-placed' });
  });

  test('a version older than the stored one is ignored, before any status rule', () => {
    const older = laterVersion(placed, -1, { kind: 'amend' });
    assert.deepEqual(decide(stored('picked_up'), older), { action: 'none', why: 'stale' });
    assert.deepEqual(decide(stored('new'), older), { action: 'none', why: 'stale' });
  });

  test('the same update time with other content applies (two changes within the clock resolution)', () => {
    const sameTime = { ...amend, channelUpdatedAtMs: placed.channelUpdatedAtMs };
    assert.deepEqual(decide(stored('new'), sameTime), { action: 'amend' });
  });

  test('before pick-up: an amendment replaces the order, a cancellation cancels it', () => {
    assert.deepEqual(decide(stored('new'), amend), { action: 'amend' });
    assert.deepEqual(decide(stored('new'), cancel), { action: 'cancel' });
  });

  test('after pick-up: both are refused with the reason', () => {
    for (const status of ['picked_up', 'partially_shipped', 'shipped'] as const) {
      assert.deepEqual(decide(stored(status), amend), {
        action: 'refuse',
        code: 'PICKED_UP',
        reason: 'already picked up by the ERP, amendment refused',
      });
      assert.deepEqual(decide(stored(status), cancel), {
        action: 'refuse',
        code: 'PICKED_UP',
        reason: 'already picked up by the ERP, cancellation refused',
      });
    }
  });

  test('a cancelled order takes no amendment, and a second cancellation is nothing', () => {
    assert.deepEqual(decide(stored('cancelled'), amend), {
      action: 'refuse',
      code: 'CANCELLED',
      reason: 'cancelled in the ERP, amendment refused',
    });
    assert.deepEqual(decide(stored('cancelled'), cancel), { action: 'none', why: 'already-cancelled' });
  });
});

describe('the operator sentences', () => {
  test('name the order, what happened and the ERP order', () => {
    assert.equal(
      written(placed, 'placed', '42').message,
      'order 100000123 from webshop: placed in the ERP as order 42',
    );
    assert.equal(
      unchanged(placed, 'already-placed', '42').message,
      'order 100000123 from webshop: already in the ERP as order 42, nothing written',
    );
    assert.equal(
      refused(placed, 'PICKED_UP', '42', 'already picked up by the ERP, amendment refused').message,
      'order 100000123 from webshop: already picked up by the ERP, amendment refused',
    );
  });
});

describe('salesOrderRow and its lines', () => {
  const at = new Date(Date.UTC(2026, 11, 1, 12));

  test('a placement is a new order with the total of lines and shipping, addresses flattened', () => {
    const row = salesOrderRow(placed, 'd'.repeat(64), at);
    assert.equal(row.status, 'new');
    assert.equal(row.total_amount, '49.75');
    assert.equal(row.shipping_amount, '4.90');
    assert.equal(row.customer_code, null);
    assert.equal(row.billing_street, 'Karlova 12\n2nd floor');
    assert.equal(row.shipping_street, 'Dlouhá 3');
    assert.equal(row.billing_country, 'CZ');
    assert.equal(row.ordered_at.toISOString(), '2026-12-01T09:59:30.250Z');
    assert.equal(row.channel_updated_at.getTime(), placed.channelUpdatedAtMs);
    assert.equal(row.cancelled_at, null);
    assert.equal(row.status_reason, null);
    // Every column the statements write is filled (no undefined reaches a driver).
    for (const column of salesOrderColumns) assert.notEqual(row[column], undefined, column);
  });

  test('a cancellation is cancelled now, with the channel reason or a default one', () => {
    const row = salesOrderRow(cancel, 'd'.repeat(64), at);
    assert.equal(row.status, 'cancelled');
    assert.equal(row.status_reason, 'buyer asked');
    assert.equal(row.cancelled_at, at);
    const silent = salesOrderRow({ ...cancel, cancelReason: null }, 'd'.repeat(64), at);
    assert.equal(silent.status_reason, 'cancelled by the channel');
  });

  test('lines keep number, channel id, SKU, quantity, price and warehouse', () => {
    assert.deepEqual(salesOrderLineRows(placed), [
      {
        line_no: 1,
        channel_line_id: '501',
        sku: 'SKU-000001',
        quantity: 2,
        unit_price: '19.90',
        warehouse_code: 'WH-MAIN',
      },
      {
        line_no: 2,
        channel_line_id: '502',
        sku: 'SKU-000003',
        quantity: 1,
        unit_price: '5.05',
        warehouse_code: 'WH-SOUTH',
      },
    ]);
  });

  test('the history note says who changed what, within the column', () => {
    assert.equal(statusNote(placed, 'placed'), 'placed by webshop version 2026-12-01 10:00:00');
    assert.equal(
      statusNote(cancel, 'cancelled'),
      `cancelled by webshop version ${cancel.channelVersion}: buyer asked`,
    );
    assert.equal(statusNote({ ...cancel, cancelReason: 'x'.repeat(300) }, 'cancelled').length, 255);
  });
});
