/**
 * The ERP order writer on the real PostgreSQL and MariaDB of the local stack, each in a throwaway
 * ERP database seeded with the tiny sample: the same order five times in a row and five times at
 * once from five connections (one order, one ERP order id), a failure mid-write leaving nothing,
 * amendments and cancellations before and after the ERP picked the order up, versions out of
 * order, and an unreachable database. Every assertion reads the tables back in SQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { ErpTarget } from '../../infra/local/erp/connect.ts';
import { openErpOrderDesk, type ErpOrderDesk } from '../../infra/local/erp/order-desk.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { commandDigest, type ErpOrderCommand } from '../../streams/contracts/orders/index.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import {
  openErpOrderWriter,
  type ErpOrderDatabase,
  type ErpOrderWriter,
} from '../../streams/sinks/erp-orders/erp-order-writer.ts';
import { createScratchErp, type ScratchErp } from '../helpers/scratch-erp.ts';
import { laterVersion, lineOne, lineTwo, orderCommand } from '../helpers/order-commands.ts';

let erp: ScratchErp;

before(async () => {
  erp = await createScratchErp('erp_orders');
  await seedErp({ target: 'all', size: 'tiny', databases: erp.databases });
});

after(async () => {
  await erp?.drop();
});

/** An order id no other test uses. */
const freshOrderId = (): string => `1${randomBytes(4).readUInt32BE()}`;

for (const target of ['postgres', 'mariadb'] as const satisfies readonly ErpTarget[]) {
  describe(`the ERP order writer on ${target}`, () => {
    const where = (): ErpOrderDatabase =>
      target === 'postgres'
        ? { database: 'postgres', url: erp.urls.postgres, schema: 'erp', poolSize: 2 }
        : { database: 'mariadb', url: erp.urls.mariadb, poolSize: 2 };
    let writer: ErpOrderWriter;
    let desk: ErpOrderDesk;

    before(async () => {
      writer = openErpOrderWriter(where());
      desk = await openErpOrderDesk(target, erp.databases[target]);
    });
    after(async () => {
      await writer?.close();
      await desk?.close();
    });

    /** What the ERP holds of one channel order. */
    async function orderRows(command: ErpOrderCommand) {
      const orders = await erp.query<Record<string, unknown>>(
        target,
        'SELECT * FROM sales_order WHERE sales_channel = ? AND channel_order_id = ?',
        [command.channel, command.channelOrderId],
      );
      const ids = orders.map((o) => String(o.id));
      const lines =
        ids.length === 0
          ? []
          : await erp.query<Record<string, unknown>>(
              target,
              `SELECT line_no, channel_line_id, sku, quantity, unit_price, warehouse_code FROM sales_order_line
                WHERE order_id = ? ORDER BY line_no`,
              [ids[0]],
            );
      const history =
        ids.length === 0
          ? []
          : await erp.query<{ status: string; changed_by: string }>(
              target,
              'SELECT status, changed_by FROM sales_order_status WHERE order_id = ? ORDER BY id',
              [ids[0]],
            );
      return { orders, lines, history };
    }

    const lineSummary = (lines: Record<string, unknown>[]) =>
      lines.map(
        (l) =>
          `${String(l.line_no)} ${String(l.sku)} x${Number(l.quantity)} @${String(l.unit_price)} ${String(l.warehouse_code)}`,
      );

    test('the same order written 5 times in a row: one ERP order, the same id every time', async () => {
      const command = orderCommand({ channelOrderId: freshOrderId() });
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await writer.write(command));
      assert.equal(results[0]?.outcome, 'written');
      const id = results[0]?.erpOrderId;
      assert.match(String(id), /^\d+$/);
      assert.deepEqual(
        results.map((r) => [r.outcome, r.erpOrderId]),
        [['written', id], ...Array.from({ length: 4 }, () => ['unchanged', id])],
      );
      assert.equal(
        results[1]?.message,
        `order ${command.channelOrderId} from webshop: already applied to ERP order ${id}, nothing written`,
      );
      const held = await orderRows(command);
      assert.equal(held.orders.length, 1);
      assert.equal(String(held.orders[0]?.id), id);
      assert.equal(String(held.orders[0]?.total_amount), '49.75');
      assert.equal(held.orders[0]?.status, 'new');
      assert.deepEqual(lineSummary(held.lines), [
        '1 SKU-000001 x2 @19.90 WH-MAIN',
        '2 SKU-000003 x1 @5.05 WH-SOUTH',
      ]);
      assert.deepEqual(held.history, [{ status: 'new', changed_by: 'syncline' }]);
    });

    test('the same order 5 times at once from 5 connections: one ERP order, every answer names it', async () => {
      const writers = Array.from({ length: 5 }, () => openErpOrderWriter({ ...where(), poolSize: 1 }));
      try {
        // Each writer's connection open first, so the five writes of an order race in the database.
        await Promise.all(writers.map((w) => w.write(orderCommand({ channelOrderId: freshOrderId() }))));
        for (let round = 0; round < 10; round++) {
          const command = orderCommand({ channelOrderId: freshOrderId() });
          const results = await Promise.all(writers.map((w) => w.write(command)));
          const ids = new Set(results.map((r) => r.erpOrderId));
          assert.equal(ids.size, 1, JSON.stringify(results));
          assert.deepEqual(results.map((r) => r.outcome).sort(), [
            'unchanged',
            'unchanged',
            'unchanged',
            'unchanged',
            'written',
          ]);
          const held = await orderRows(command);
          assert.equal(held.orders.length, 1);
          assert.equal(String(held.orders[0]?.id), [...ids][0]);
          assert.equal(held.lines.length, 2);
          assert.equal(held.history.length, 1);
        }
      } finally {
        await Promise.all(writers.map((w) => w.close()));
      }
    });

    test('a line the ERP refuses mid-write leaves nothing, and the refusal names the SKU', async () => {
      const bad = { ...lineTwo, lineNo: 3, channelLineId: '503', sku: 'NO-SUCH-SKU' };
      const command = orderCommand({ channelOrderId: freshOrderId(), lines: [lineOne, lineTwo, bad] });
      const result = await writer.write(command);
      assert.deepEqual(result, {
        outcome: 'refused',
        code: 'UNKNOWN_REFERENCE',
        erpOrderId: null,
        message: `order ${command.channelOrderId} from webshop: SKU NO-SUCH-SKU is unknown to the ERP, order refused`,
      });
      const held = await orderRows(command);
      assert.deepEqual(held.orders, []);
      // No line of any order names the SKU, and no status row is left without its order.
      const orphans = await erp.query<{ n: number | string }>(
        target,
        `SELECT count(*) AS n FROM sales_order_status s WHERE NOT EXISTS (SELECT 1 FROM sales_order o WHERE o.id = s.order_id)`,
      );
      assert.equal(Number(orphans[0]?.n), 0);
    });

    test('an ERP customer is linked by its code; an unknown one is refused by name', async () => {
      const [customer] = await erp.query<{ code: string }>(
        target,
        'SELECT code FROM customer ORDER BY code LIMIT 1',
      );
      const buyer = {
        customerCode: customer?.code ?? '',
        name: 'B2B buyer',
        email: 'buyer@example.com',
        phone: null,
      };
      const known = orderCommand({ channelOrderId: freshOrderId(), buyer });
      assert.equal((await writer.write(known)).outcome, 'written');
      assert.equal((await orderRows(known)).orders[0]?.customer_code, customer?.code);
      const stranger = orderCommand({
        channelOrderId: freshOrderId(),
        buyer: { ...buyer, customerCode: 'C-NOPE' },
      });
      const result = await writer.write(stranger);
      assert.equal(
        result.message,
        `order ${stranger.channelOrderId} from webshop: customer C-NOPE is unknown to the ERP, order refused`,
      );
      assert.deepEqual((await orderRows(stranger)).orders, []);
    });

    test('an amendment refused mid-write keeps the order as it was', async () => {
      const placed = orderCommand({ channelOrderId: freshOrderId() });
      const first = await writer.write(placed);
      const broken = laterVersion(placed, 60_000, {
        kind: 'amend',
        lines: [
          { ...lineOne, quantity: 5 },
          { ...lineTwo, warehouse: 'WH-NOWHERE' },
        ],
      });
      const result = await writer.write(broken);
      assert.equal(result.outcome, 'refused');
      assert.equal(result.erpOrderId, first.erpOrderId);
      assert.equal(
        result.message,
        `order ${placed.channelOrderId} from webshop: warehouse WH-NOWHERE is unknown to the ERP, amendment refused`,
      );
      const held = await orderRows(placed);
      assert.deepEqual(lineSummary(held.lines), [
        '1 SKU-000001 x2 @19.90 WH-MAIN',
        '2 SKU-000003 x1 @5.05 WH-SOUTH',
      ]);
      assert.equal(Number(held.orders[0]?.revision), 1);
      assert.equal(held.orders[0]?.command_digest, commandDigest(placed));
    });

    test('before pick-up an amendment replaces the lines; sent again it changes nothing', async () => {
      const placed = orderCommand({ channelOrderId: freshOrderId() });
      const { erpOrderId } = await writer.write(placed);
      const third = {
        lineNo: 3,
        channelLineId: '503',
        sku: 'SKU-000004',
        quantity: 3,
        unitPrice: '1.00',
        warehouse: 'WH-3PL',
      };
      const amended = laterVersion(placed, 60_000, {
        kind: 'amend',
        lines: [
          { ...lineOne, quantity: 1 },
          { ...third, lineNo: 2 },
        ],
      });
      const result = await writer.write(amended);
      assert.deepEqual(result, {
        outcome: 'written',
        change: 'amended',
        erpOrderId,
        message: `order ${placed.channelOrderId} from webshop: amended in the ERP, order ${erpOrderId}`,
      });
      assert.equal((await writer.write(amended)).outcome, 'unchanged');
      // The original placement, replayed after the amendment, changes nothing either.
      assert.deepEqual(await writer.write(placed).then((r) => [r.outcome, r.erpOrderId]), [
        'unchanged',
        erpOrderId,
      ]);
      const held = await orderRows(placed);
      assert.equal(held.orders.length, 1);
      assert.deepEqual(lineSummary(held.lines), [
        '1 SKU-000001 x1 @19.90 WH-MAIN',
        '2 SKU-000004 x3 @1.00 WH-3PL',
      ]);
      assert.equal(String(held.orders[0]?.total_amount), '27.80'); // 19.90 + 3.00 + 4.90 shipping
      assert.equal(Number(held.orders[0]?.revision), 2);
      assert.equal(held.orders[0]?.channel_version, amended.channelVersion);
      assert.deepEqual(
        held.history.map((h) => h.status),
        ['new', 'new'],
      );
    });

    test('a version older than the one the ERP holds is ignored', async () => {
      const placed = orderCommand({ channelOrderId: freshOrderId() });
      await writer.write(placed);
      const second = laterVersion(placed, 60_000, { kind: 'amend', lines: [{ ...lineOne, quantity: 7 }] });
      const third = laterVersion(placed, 120_000, { kind: 'amend', lines: [{ ...lineOne, quantity: 9 }] });
      assert.equal((await writer.write(third)).outcome, 'written');
      const late = await writer.write(second);
      assert.equal(late.outcome === 'unchanged' && late.why, 'stale');
      assert.deepEqual(lineSummary((await orderRows(placed)).lines), ['1 SKU-000001 x9 @19.90 WH-MAIN']);
    });

    test('before pick-up a cancellation cancels; an amendment after it is refused, a replay is nothing', async () => {
      const placed = orderCommand({ channelOrderId: freshOrderId() });
      const { erpOrderId } = await writer.write(placed);
      const cancel = laterVersion(placed, 60_000, {
        kind: 'cancel',
        cancelReason: 'buyer changed their mind',
      });
      assert.deepEqual(await writer.write(cancel).then((r) => [r.outcome, r.erpOrderId]), [
        'written',
        erpOrderId,
      ]);
      assert.equal((await writer.write(cancel)).outcome, 'unchanged');
      const amend = laterVersion(placed, 120_000, { kind: 'amend', lines: [lineOne] });
      const refusal = await writer.write(amend);
      assert.equal(refusal.outcome === 'refused' && refusal.code, 'CANCELLED');
      assert.equal(
        refusal.message,
        `order ${placed.channelOrderId} from webshop: cancelled in the ERP, amendment refused`,
      );
      assert.equal((await writer.write(placed)).outcome, 'unchanged');
      const held = await orderRows(placed);
      assert.equal(held.orders[0]?.status, 'cancelled');
      assert.equal(held.orders[0]?.status_reason, 'buyer changed their mind');
      assert.ok(held.orders[0]?.cancelled_at instanceof Date);
      assert.equal(held.lines.length, 2, 'a cancellation keeps the lines');
      assert.deepEqual(
        held.history.map((h) => h.status),
        ['new', 'cancelled'],
      );
      // The ERP does not pick up a cancelled order.
      assert.equal(await desk.pickUp(String(erpOrderId)), false);
    });

    test('after pick-up amendments and cancellations are refused with the sentence; replays still answer the id', async () => {
      const placed = orderCommand({ channelOrderId: freshOrderId() });
      const { erpOrderId } = await writer.write(placed);
      assert.equal(await desk.pickUp(String(erpOrderId)), true);
      const amend = laterVersion(placed, 60_000, { kind: 'amend', lines: [lineOne] });
      assert.deepEqual(await writer.write(amend), {
        outcome: 'refused',
        code: 'PICKED_UP',
        erpOrderId,
        message: `order ${placed.channelOrderId} from webshop: already picked up by the ERP, amendment refused`,
      });
      const cancel = laterVersion(placed, 90_000, { kind: 'cancel', cancelReason: null });
      const refusal = await writer.write(cancel);
      assert.equal(
        refusal.message,
        `order ${placed.channelOrderId} from webshop: already picked up by the ERP, cancellation refused`,
      );
      assert.deepEqual(await writer.write(placed).then((r) => [r.outcome, r.erpOrderId]), [
        'unchanged',
        erpOrderId,
      ]);
      const held = await orderRows(placed);
      assert.equal(held.orders[0]?.status, 'picked_up');
      assert.equal(Number(held.orders[0]?.revision), 1);
      assert.equal(held.lines.length, 2);
      assert.deepEqual(held.history, [
        { status: 'new', changed_by: 'syncline' },
        { status: 'picked_up', changed_by: 'erp' },
      ]);
      // Shipped, it is still refused, and the shipment names its carrier and tracking number.
      const shipmentId = await desk.ship(String(erpOrderId), {
        warehouse: 'WH-MAIN',
        carrierCode: 'dhl',
        carrierName: 'DHL',
        trackingNumber: `JD${placed.channelOrderId}`,
      });
      assert.equal((await writer.write(amend)).outcome, 'refused');
      const parcels = await erp.query<{ tracking_number: string; units: number | string }>(
        target,
        `SELECT s.tracking_number, (SELECT sum(quantity) FROM shipment_line l WHERE l.shipment_id = s.id) AS units
           FROM shipment s WHERE s.id = ?`,
        [shipmentId],
      );
      assert.deepEqual(
        parcels.map((p) => [p.tracking_number, Number(p.units)]),
        [[`JD${placed.channelOrderId}`, 3]],
      );
      assert.equal((await orderRows(placed)).orders[0]?.status, 'shipped');
    });

    test('a cancellation of an order the ERP never saw is recorded, so its late placement creates nothing', async () => {
      const placed = orderCommand({ channelOrderId: freshOrderId() });
      const cancel = laterVersion(placed, 60_000, { kind: 'cancel', cancelReason: 'fraud check' });
      const first = await writer.write(cancel);
      assert.equal(first.outcome === 'written' && first.change, 'cancelled');
      const late = await writer.write(placed);
      assert.deepEqual([late.outcome, late.erpOrderId], ['unchanged', first.erpOrderId]);
      const held = await orderRows(placed);
      assert.equal(held.orders.length, 1);
      assert.equal(held.orders[0]?.status, 'cancelled');
    });

    test('a malformed command is refused before the database is asked', async () => {
      const command = orderCommand({ channelOrderId: freshOrderId(), lines: [{ ...lineOne, quantity: 0 }] });
      const result = await writer.write(command);
      assert.deepEqual(result, {
        outcome: 'refused',
        code: 'INVALID_COMMAND',
        erpOrderId: null,
        message: `order ${command.channelOrderId} from webshop: line 1 has quantity 0`,
      });
      assert.deepEqual((await orderRows(command)).orders, []);
    });

    test('an unreachable database is a retriable error naming the order, not an outcome', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      await new Promise((resolve) => server.close(resolve));
      const url = where().url.replace(/:\d+\//, `:${port}/`);
      const away = openErpOrderWriter({ ...where(), url });
      try {
        const command = orderCommand({ channelOrderId: freshOrderId() });
        await assert.rejects(away.write(command), (error: unknown) => {
          assert.ok(error instanceof SynclineError);
          assert.equal(error.code, 'ERP_ORDER_WRITE');
          assert.equal(error.retriable, true);
          assert.match(
            error.message,
            new RegExp(`^order ${command.channelOrderId} from webshop: the \\w+ ERP is not reachable`),
          );
          return true;
        });
      } finally {
        await away.close();
      }
    });
  });
}
