/**
 * The orders processor as the engine runs it, without a broker: each record it writes to its own
 * line lookup and line answer topics is read back as input (one in-memory state stands for every
 * task, as the keys of the tables never meet). What reaches erp.order.command.v1, the register and
 * the orders' dead letters is what a channel order becomes.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { canonicalTopics, productKey, stockKey } from '../../streams/contracts/canonical.ts';
import type { ChannelOrder, ErpOrderCommand } from '../../streams/contracts/orders/index.ts';
import type { RegisterEntry } from '../../streams/contracts/register-entry.ts';
import type { ParkedRecord } from '../../streams/runtime/eos/parked-record.ts';
import {
  lineAnswerTopic,
  lineLookupTopic,
  ordersProcessor,
} from '../../streams/processors/orders/orders-processor.ts';
import type { OrdersConfig } from '../../streams/processors/orders/orders-config.ts';
import type { InputRecord, OutputRecord, Processor } from '../../streams/runtime/processor.ts';
import type { StateView } from '../../streams/runtime/state/task-state.ts';
import { channelOrder, laterOrder, orderLine } from '../helpers/channel-orders.ts';

const orders: OrdersConfig = {
  lookup: { host: '127.0.0.1', port: 0 },
  channels: [
    {
      channel: 'webshop',
      currency: 'EUR',
      routing: {
        warehouses: [{ code: 'WH-MAIN', countries: ['CZ', 'DE'] }, { code: 'WH-3PL' }],
        split: true,
        checkStock: true,
      },
      skus: { 'WEB-1': 'SKU-000001' },
      customers: {},
      payment: { checkmo: 'INVOICE' },
      shipping: { flatrate_flatrate: 'DHL-STD' },
    },
  ],
};
const channels = [{ id: 'webshop' }, { id: 'b2b-portal' }];

class MemoryState implements StateView {
  private readonly tables = new Map<string, Map<string, unknown>>();
  get<T>(table: string, key: string): T | undefined {
    return structuredClone(this.tables.get(table)?.get(key)) as T | undefined;
  }
  put(table: string, key: string, value: unknown): void {
    if (!this.tables.has(table)) this.tables.set(table, new Map());
    this.tables.get(table)!.set(key, structuredClone(value));
  }
  delete(table: string, key: string): void {
    this.tables.get(table)?.delete(key);
  }
}

let offset = 0;
const input = (topic: string, key: string | null, value: unknown): InputRecord => ({
  topic,
  partition: 0,
  offset: String(++offset),
  key,
  value,
  headers: {},
  timestampMs: 1_767_225_600_000,
});

interface Outputs {
  commands: ErpOrderCommand[];
  register: RegisterEntry[];
  dlq: ParkedRecord[];
  /** Lookups and answers not yet read back (see `deferred`). */
  inFlight: InputRecord[];
}

let processor: Processor;
let state: MemoryState;

beforeEach(() => {
  processor = ordersProcessor({ orders, channels });
  state = new MemoryState();
});

/** Processes `records`; what goes to the repartition topics is read back, unless `deferred`. */
function run(records: InputRecord[], deferred = false): Outputs {
  const out: Outputs = { commands: [], register: [], dlq: [], inFlight: [] };
  const queue = [...records];
  while (queue.length > 0) {
    const record = queue.shift()!;
    for (const emission of processor.process(record, { state, restoring: false })) {
      assert.equal(emission.kind, 'record', `unexpected engine park: ${JSON.stringify(emission)}`);
      const written = (emission as { record: OutputRecord }).record;
      const again = input(written.topic, written.key, structuredClone(written.value));
      if (written.topic === lineLookupTopic || written.topic === lineAnswerTopic) {
        (deferred ? out.inFlight : queue).push(again);
      } else if (written.topic === 'erp.order.command.v1')
        out.commands.push(written.value as ErpOrderCommand);
      else if (written.topic === 'sync.register.v1') out.register.push(written.value as RegisterEntry);
      else if (written.topic === 'syncline.orders.dlq.v1') out.dlq.push(written.value as ParkedRecord);
      else assert.fail(`written to an unexpected topic ${written.topic}`);
    }
  }
  return out;
}

const orderIn = (order: ChannelOrder) =>
  input(`channel.${order.channelId}.order.v1`, order.channelOrderId, order);
const productIn = (sku: string) =>
  input(canonicalTopics.product, productKey(sku), { sku, parentSku: null, name: sku, active: true });
const stockIn = (sku: string, warehouse: string, onHand: number, reserved = 0) =>
  input(canonicalTopics.stock, stockKey(sku, warehouse), {
    sku,
    warehouse,
    onHand,
    reserved,
    updatedAtMs: null,
  });

function catalog(): void {
  run([
    productIn('SKU-000001'),
    productIn('SKU-000003'),
    stockIn('SKU-000001', 'WH-MAIN', 10),
    stockIn('SKU-000003', 'WH-MAIN', 10),
  ]);
}

describe('the orders processor', () => {
  it('accepts a valid order: a place command routed to the first warehouse holding it, and an ACCEPTED entry', () => {
    catalog();
    const out = run([orderIn(channelOrder())]);
    assert.equal(out.dlq.length, 0);
    assert.equal(out.commands.length, 1);
    const [command] = out.commands;
    assert.equal(command!.kind, 'place');
    assert.equal(command!.channel, 'webshop');
    assert.equal(command!.channelOrderId, '100000123');
    assert.deepEqual(
      command!.lines.map((l) => [l.lineNo, l.sku, l.quantity, l.unitPrice, l.warehouse]),
      [
        [1, 'SKU-000001', 2, '19.90', 'WH-MAIN'],
        [2, 'SKU-000003', 1, '5.05', 'WH-MAIN'],
      ],
    );
    assert.deepEqual(
      out.register.map((e) => [e.status, e.key, e.sentence]),
      [
        [
          'ACCEPTED',
          '100000123',
          'order 100000123 from webshop: accepted, 2 lines routed to WH-MAIN; place sent to the ERP',
        ],
      ],
    );
  });

  it('routes by the stock the catalog reports: reserved units do not count, a deleted stock row is none', () => {
    catalog();
    run([stockIn('SKU-000001', 'WH-MAIN', 10, 9), stockIn('SKU-000001', 'WH-3PL', 5)]);
    const out = run([orderIn(channelOrder())]);
    assert.deepEqual(
      out.commands[0]!.lines.map((l) => l.warehouse),
      ['WH-3PL', 'WH-MAIN'],
    );
    run([input(canonicalTopics.stock, stockKey('SKU-000001', 'WH-3PL'), null)]);
    const second = run([orderIn(channelOrder({ channelOrderId: '100000124' }))]);
    assert.equal(second.commands.length, 0);
    assert.equal(second.dlq[0]!.code, 'NOT_IN_STOCK');
  });

  it('parks an order with a SKU unknown to the ERP, with the sentence, the order itself and a PARKED entry', () => {
    catalog();
    const order = channelOrder({ lines: [orderLine(1, 'SKU-000001'), orderLine(2, 'SKU-NOPE')] });
    const out = run([orderIn(order)]);
    assert.equal(out.commands.length, 0);
    assert.equal(out.dlq.length, 1);
    const [letter] = out.dlq;
    assert.equal(letter!.code, 'UNKNOWN_SKU');
    assert.equal(letter!.message, 'order 100000123 from webshop: SKU SKU-NOPE is unknown to the ERP');
    assert.equal(letter!.channel, 'webshop');
    assert.equal(letter!.sourceTopic, 'channel.webshop.order.v1');
    assert.equal((JSON.parse(letter!.sourceValue!) as ChannelOrder).channelOrderId, '100000123');
    assert.deepEqual(
      out.register.map((e) => [e.status, e.errorCode, e.sentence]),
      [['PARKED', 'UNKNOWN_SKU', letter!.message]],
    );
  });

  it('parks what the order alone shows at once, without asking the catalog', () => {
    catalog();
    const out = run(
      [orderIn(channelOrder({ currency: 'USD', lines: [orderLine(1, 'SKU-000001', 0)] }))],
      true,
    );
    assert.equal(out.inFlight.length, 0);
    assert.equal(
      out.dlq[0]!.message,
      'order 100000123 from webshop: it is in USD, but webshop sells in EUR; line 1 (SKU SKU-000001) has quantity 0; a quantity is a whole number of at least 1',
    );
    assert.equal(out.dlq[0]!.code, 'WRONG_CURRENCY');
  });

  it('lets the rest flow: a parked order stops no other', () => {
    catalog();
    const out = run([
      orderIn(channelOrder({ channelOrderId: '1', currency: 'USD' })),
      orderIn(channelOrder({ channelOrderId: '2' })),
      orderIn(channelOrder({ channelOrderId: '3', lines: [orderLine(1, 'SKU-000001', 0)] })),
      orderIn(channelOrder({ channelOrderId: '4', lines: [orderLine(1, 'WEB-1')] })),
    ]);
    assert.deepEqual(
      out.commands.map((c) => c.channelOrderId),
      ['2', '4'],
    );
    assert.deepEqual(
      out.dlq.map((d) => d.sourceKey),
      ['1', '3'],
    );
  });

  it('ignores the same version again and an older one; a newer one amends, a cancelled one cancels', () => {
    catalog();
    const first = channelOrder();
    assert.equal(run([orderIn(first)]).commands[0]!.kind, 'place');
    assert.deepEqual(run([orderIn(first)]), { commands: [], register: [], dlq: [], inFlight: [] });
    const amended = laterOrder(first, 60_000, { lines: [orderLine(1, 'SKU-000001', 3)] });
    const amend = run([orderIn(amended)]).commands;
    assert.deepEqual(
      amend.map((c) => [c.kind, c.lines.length, c.channelUpdatedAtMs]),
      [['amend', 1, amended.version.updatedAtMs]],
    );
    assert.deepEqual(run([orderIn(laterOrder(first, 30_000))]).commands, []);
    const cancelled = laterOrder(first, 120_000, { cancelled: true, channelStatus: 'canceled' });
    const cancel = run([orderIn(cancelled)]).commands;
    assert.deepEqual(
      cancel.map((c) => [c.kind, c.cancelReason]),
      [['cancel', 'cancelled at webshop (canceled)']],
    );
  });

  it('amends with a later version of an order whose first version was parked (the ERP creates it from the amendment)', () => {
    catalog();
    const first = channelOrder({ currency: 'USD' });
    assert.equal(run([orderIn(first)]).dlq[0]!.code, 'WRONG_CURRENCY');
    const fixed = run([orderIn(laterOrder(first, 1000, { currency: 'EUR' }))]);
    assert.deepEqual(
      fixed.commands.map((c) => c.kind),
      ['amend'],
    );
  });

  it('amends with a later version after a replay that read the answers before their order', () => {
    catalog();
    const lookups = run([orderIn(channelOrder())], true).inFlight;
    const answers = run(lookups, true).inFlight;
    assert.equal(answers.length, 2);
    // A task's state rebuilt by a replay that meets the answers first: they decide nothing, and
    // the order looks undecided; its next version must still amend what the ERP holds.
    state = new MemoryState();
    catalog();
    assert.deepEqual(run(answers).commands, []);
    assert.deepEqual(run([orderIn(channelOrder())], true).commands, []);
    const later = run([orderIn(laterOrder(channelOrder(), 1000))]);
    assert.deepEqual(
      later.commands.map((c) => c.kind),
      ['amend'],
    );
  });

  it('decides only the newest version when a newer one arrives while the lines are being looked up', () => {
    catalog();
    const first = run([orderIn(channelOrder())], true);
    const newer = run(
      [orderIn(laterOrder(channelOrder(), 1000, { lines: [orderLine(1, 'SKU-000003', 4)] }))],
      true,
    );
    const out = run([...first.inFlight, ...newer.inFlight]);
    assert.deepEqual(
      out.commands.map((c) => [c.kind, c.lines.map((l) => l.sku)]),
      [['amend', ['SKU-000003']]],
    );
  });

  it('parks the order of a channel that has no order rules', () => {
    const out = run([orderIn(channelOrder({ channelId: 'b2b-portal' }))]);
    assert.equal(out.dlq[0]!.code, 'NO_ORDER_RULES');
    assert.equal(
      out.dlq[0]!.message,
      'order 100000123 from b2b-portal: channel b2b-portal has no entry in orders.channels of the config',
    );
  });

  it('parks a record that is not a channel order through the engine, into the orders dead letters', () => {
    const emissions = processor.process(input('channel.webshop.order.v1', '1', { hello: 'world' }), {
      state,
      restoring: false,
    });
    assert.deepEqual(
      emissions.map((e) => e.kind),
      ['park'],
    );
    assert.equal(processor.dlqTopic({ code: 'NOT_AN_ORDER', message: '' }), 'syncline.orders.dlq.v1');
  });

  it('reads every channel order topic, the catalog and its own repartition topics', () => {
    assert.deepEqual(processor.inputTopics, [
      'channel.webshop.order.v1',
      'channel.b2b-portal.order.v1',
      'catalog.product.v1',
      'catalog.stock.v1',
      'syncline.orders.line-lookup.v1',
      'syncline.orders.line-answer.v1',
    ]);
  });
});
