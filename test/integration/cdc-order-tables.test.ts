/**
 * Debezium captures the order interchange: an order written by the ERP order writer into each
 * stack ERP, picked up and shipped by the ERP, arrives on the order tables' CDC topics with its
 * status changes and its tracking number, ready for the order status flow. The order is deleted
 * afterwards, so the sample's order tables stay empty.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyConnectors } from '../../connectors/apply.ts';
import { connectMariadb, connectPostgres, defaultSettings } from '../../infra/local/erp/connect.ts';
import { openErpOrderDesk } from '../../infra/local/erp/order-desk.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { postgresUrl } from '../../infra/local/stack-config.ts';
import {
  openErpOrderWriter,
  type ErpOrderDatabase,
} from '../../streams/sinks/erp-orders/erp-order-writer.ts';
import { orderCommand } from '../helpers/order-commands.ts';
import { readTopic } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';

type Row = Record<string, unknown>;
interface Change {
  readonly op: string;
  readonly after: Row | null;
}

const channelOrderId = `CDC${randomBytes(4).toString('hex').toUpperCase()}`;

before(async () => {
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
});

for (const source of ['postgres', 'mariadb'] as const) {
  describe(`order tables captured from the ${source} ERP`, () => {
    const settings = defaultSettings(source);
    const target: ErpOrderDatabase =
      source === 'postgres'
        ? { database: 'postgres', url: postgresUrl(settings), schema: 'erp' }
        : {
            database: 'mariadb',
            url: `mysql://${settings.user}:${settings.password}@${settings.host}:${settings.port}/${settings.database}`,
          };
    let erpOrderId = '';

    /** The changes of this run's order on one table's topic, once `count` have arrived. */
    const changesOf = (table: string, mine: (row: Row) => boolean, count: number) =>
      waitUntil(
        `${count} change events of order ${channelOrderId} on erp.${source}.erp.${table}`,
        async () => {
          const found = (await readTopic(`erp.${source}.erp.${table}`).catch(() => []))
            .filter((r) => r.value !== null)
            .sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset))
            .map((r) => JSON.parse(r.value!.toString()) as Change)
            .filter((c) => c.after !== null && mine(c.after));
          return found.length >= count ? found : undefined;
        },
        90_000,
        1000,
      );

    before(async () => {
      const writer = openErpOrderWriter(target);
      const desk = await openErpOrderDesk(source);
      try {
        const placed = await writer.write(orderCommand({ channelOrderId }));
        assert.equal(placed.outcome, 'written', placed.message);
        erpOrderId = String(placed.erpOrderId);
        assert.equal(await desk.pickUp(erpOrderId), true);
        await desk.ship(erpOrderId, {
          warehouse: 'WH-MAIN',
          carrierCode: 'ups',
          carrierName: 'UPS',
          trackingNumber: `1Z${channelOrderId}`,
        });
      } finally {
        await writer.close();
        await desk.close();
      }
    });

    after(async () => {
      // The sample's order tables stay empty for the next run (shipments first: no cascade to them).
      if (source === 'postgres') {
        const client = await connectPostgres();
        try {
          await client.query('DELETE FROM erp.shipment WHERE order_id = $1', [erpOrderId]);
          await client.query('DELETE FROM erp.sales_order WHERE id = $1', [erpOrderId]);
        } finally {
          await client.end();
        }
      } else {
        const connection = await connectMariadb();
        try {
          await connection.query('DELETE FROM shipment WHERE order_id = ?', [erpOrderId]);
          await connection.query('DELETE FROM sales_order WHERE id = ?', [erpOrderId]);
        } finally {
          await connection.end();
        }
      }
    });

    test('the order is created, picked up and shipped on sales_order', async () => {
      const changes = await changesOf('sales_order', (row) => row.channel_order_id === channelOrderId, 3);
      assert.deepEqual(
        changes.map((c) => [c.op, c.after?.status]),
        [
          ['c', 'new'],
          ['u', 'picked_up'],
          ['u', 'shipped'],
        ],
      );
      assert.equal(changes[0]?.after?.total_amount, '49.75', 'money stays text');
      assert.equal(String(changes[0]?.after?.id), erpOrderId);
    });

    test('its lines, status history and shipment with the tracking number follow', async () => {
      const ofOrder = (row: Row) => String(row.order_id) === erpOrderId;
      const lines = await changesOf('sales_order_line', ofOrder, 2);
      assert.deepEqual(lines.map((c) => c.after?.sku).sort(), ['SKU-000001', 'SKU-000003']);
      // Each status row has its own key, so its own partition: ordered by id, not by topic position.
      const history = (await changesOf('sales_order_status', ofOrder, 3)).sort(
        (a, b) => Number(a.after?.id) - Number(b.after?.id),
      );
      assert.deepEqual(
        history.map((c) => [c.after?.status, c.after?.changed_by]),
        [
          ['new', 'syncline'],
          ['picked_up', 'erp'],
          ['shipped', 'erp'],
        ],
      );
      const [shipment] = await changesOf('shipment', ofOrder, 1);
      assert.equal(shipment?.after?.tracking_number, `1Z${channelOrderId}`);
      const parcelLines = await changesOf('shipment_line', ofOrder, 2);
      assert.deepEqual(parcelLines.map((c) => Number(c.after?.quantity)).sort(), [1, 2]);
    });
  });
}
