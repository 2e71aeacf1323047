/**
 * The orders processor as the engine runs it: each channel's orders (keyed by the channel's order
 * id) -> ERP order commands, exactly once, with a register entry per decision; an order that cannot
 * be accepted is parked in syncline.orders.dlq.v1 with the operator's sentence, never dropped.
 *
 * An order's SKUs live on other tasks: the catalog is partitioned by SKU, orders by order id. So
 * the decision takes a round trip through two repartition topics, all in this one processor:
 *   1. The order arrives. Older than (or the same as) the newest version seen: ignored. What the
 *      order alone can tell is checked and mapped (order-draft.ts); a failure parks it at once.
 *      Otherwise it waits in the `order` table and each line goes to `syncline.orders.line-lookup.v1`
 *      keyed by its SKU.
 *   2. The SKU's task, which holds catalog.product.v1 and catalog.stock.v1 for that SKU, answers
 *      on `syncline.orders.line-answer.v1` keyed by the order id (partitioned as the order topic),
 *      with whether the ERP knows the SKU and what is available per warehouse.
 *   3. Back on the order's task, when every line has answered: unknown SKUs park the order, else
 *      it is routed (route-order.ts) and the command goes out: `place` the first time, `amend`
 *      after, `cancel` for a cancelled order. Answers of a version superseded meanwhile are dropped.
 *
 * Every step is one transaction of the task that runs it, so a crash anywhere replays a step whole
 * or not at all. Stock is read as the ERP last reported it: two orders routed before the ERP
 * reserves for either may both count the same units (oversell protection is the offers side's).
 */
import { createHash } from 'node:crypto';
import {
  checkErpOrderCommand,
  compareVersions,
  type ChannelOrder,
  type ChannelOrderVersion,
  type ErpOrderCommand,
} from '../../contracts/orders/index.ts';
import { topicNamesOfAll } from '../../contracts/topology-nodes.ts';
import { topicNameOf } from '../../contracts/topics.ts';
import type { Emission, InputRecord, OutputRecord, Processor } from '../../runtime/processor.ts';
import type { StateView } from '../../runtime/state/task-state.ts';
import { draftOrder, type OrderDraft, type OrderProblem } from './order-draft.ts';
import { accepted, ordersDlqTopic, parked, type OrderRef, type OrderSource } from './order-outcomes.ts';
import type { OrderChannelConfig, OrdersConfig } from './orders-config.ts';
import { orderTable, ordersTopology, productTable, stockTable } from './orders-topology.ts';
import { routeOrder } from './route-order.ts';

export const lineLookupTopic = topicNameOf('ordersLineLookup');
export const lineAnswerTopic = topicNameOf('ordersLineAnswer');
const productTopic = topicNameOf('catalogProduct');
const stockTopic = topicNameOf('catalogStock');
const separator = '\u001f';

interface LineLookup {
  readonly channel: string;
  readonly channelOrderId: string;
  readonly tag: string;
  readonly lineNo: number;
  readonly sku: string;
  readonly warehouses: readonly string[];
}

interface LineAnswer extends LineLookup {
  readonly known: boolean;
  readonly available: Readonly<Record<string, number>>;
}

interface PendingOrder {
  readonly tag: string;
  readonly draft: OrderDraft;
  readonly cancelled: boolean;
  /** An earlier version of the order was seen: this one amends it. */
  readonly amends: boolean;
  readonly source: OrderSource;
  readonly answers: Readonly<Record<string, LineAnswer>>;
}

/**
 * What the task remembers of one order. Whether a version places or amends depends only on whether
 * an earlier version was seen, never on what became of it: a replay into state after a crash may
 * read an order's answers before the order itself and leave a decided version looking undecided.
 * An amendment of an order the ERP never got creates it (the writer's convention).
 */
export interface OrderMemory {
  readonly version: ChannelOrderVersion;
  readonly pending: PendingOrder | null;
}

const tagOf = (version: ChannelOrderVersion): string => `${version.updatedAtMs}.${version.sequence}`;

function looksLikeOrder(value: unknown): value is ChannelOrder {
  const order = value as Partial<ChannelOrder> | null;
  return (
    order !== null &&
    typeof order === 'object' &&
    typeof order.channelId === 'string' &&
    typeof order.channelOrderId === 'string' &&
    typeof order.version === 'object' &&
    Array.isArray(order.lines)
  );
}

function commandOf(pending: PendingOrder, warehouses: readonly string[]): ErpOrderCommand {
  const kind = pending.cancelled ? 'cancel' : pending.amends ? 'amend' : 'place';
  const lines = pending.draft.lines.map((line, i) => ({ ...line, warehouse: warehouses[i]! }));
  return { ...pending.draft, kind, lines };
}

/** The order decided: the command and its register entry, or its dead letter and register entry. */
function decide(config: OrderChannelConfig, pending: PendingOrder, nowMs: number): OutputRecord[] {
  const ref: OrderRef = { ...pending.draft, tag: pending.tag };
  const answers = pending.draft.lines.map((line) => pending.answers[String(line.lineNo)]!);
  const unknown = [...new Set(answers.filter((a) => !a.known).map((a) => a.sku))];
  const problems: OrderProblem[] = unknown.map((sku) => ({
    code: 'UNKNOWN_SKU',
    text: `SKU ${sku} is unknown to the ERP`,
  }));
  if (problems.length === 0) {
    const available = (sku: string, warehouse: string) =>
      answers.find((a) => a.sku === sku)?.available[warehouse] ?? 0;
    // A cancellation needs no stock: the ERP keeps the lines as it holds them.
    const rules = pending.cancelled ? { ...config.routing, checkStock: false } : config.routing;
    const country = pending.draft.shippingAddress.country;
    const routing = routeOrder(pending.draft.lines, country, rules, available, config.channel);
    if (routing.ok) {
      const check = checkErpOrderCommand(commandOf(pending, routing.warehouses));
      if (check.ok) return accepted(check.command, ref, pending.source, nowMs);
      problems.push({ code: 'INVALID_COMMAND', text: check.problems.join('; ') });
    } else problems.push(routing.problem);
  }
  return parked(problems, ref, pending.source, nowMs);
}

const asRecords = (records: readonly OutputRecord[]): Emission[] =>
  records.map((record) => ({ kind: 'record', record }));

export function ordersProcessor(config: {
  orders: OrdersConfig;
  channels: readonly { id: string }[];
}): Processor {
  const rulesOf = new Map(config.orders.channels.map((c) => [c.channel, c]));
  const orderTopics = new Set(
    topicNamesOfAll([{ topic: 'channelOrder' }], { sources: [], channels: config.channels }),
  );
  const signature = createHash('sha256')
    .update(JSON.stringify(config.orders.channels))
    .digest('hex')
    .slice(0, 16);

  function onOrder(record: InputRecord, state: StateView): Emission[] {
    if (record.value === null) return []; // a compacted-away order: nothing to tell the ERP
    const order = record.value;
    if (!looksLikeOrder(order)) {
      return [
        {
          kind: 'park',
          reason: { code: 'NOT_AN_ORDER', message: `a ${record.topic} record is not a channel order` },
        },
      ];
    }
    const version = { ...order.version, updatedAtMs: Number(order.version.updatedAtMs) };
    const key = `${order.channelId}${separator}${order.channelOrderId}`;
    const memory = state.get<OrderMemory>(orderTable, key);
    if (memory !== undefined && compareVersions(version, memory.version) <= 0) return [];
    const tag = tagOf(version);
    const ref: OrderRef = { channel: order.channelId, channelOrderId: order.channelOrderId, tag };
    const source: OrderSource = {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      orderJson: JSON.stringify({ ...order, version }),
    };
    const rules = rulesOf.get(order.channelId);
    const drafted: ReturnType<typeof draftOrder> = rules
      ? draftOrder({ ...order, version }, rules)
      : {
          ok: false,
          problems: [
            {
              code: 'NO_ORDER_RULES',
              text: `channel ${order.channelId} has no entry in orders.channels of the config`,
            },
          ],
        };
    if (!drafted.ok) {
      state.put(orderTable, key, { version, pending: null } satisfies OrderMemory);
      return asRecords(parked(drafted.problems, ref, source, record.timestampMs));
    }
    const pending: PendingOrder = {
      tag,
      draft: drafted.draft,
      cancelled: order.cancelled,
      amends: memory !== undefined,
      source,
      answers: {},
    };
    state.put(orderTable, key, { version, pending } satisfies OrderMemory);
    const warehouses = rules!.routing.warehouses.map((w) => w.code);
    return drafted.draft.lines.map((line) => {
      const lookup: LineLookup = { ...ref, lineNo: line.lineNo, sku: line.sku, warehouses };
      const lookupKey = [line.sku, ref.channel, ref.channelOrderId, line.lineNo].join(separator);
      return { kind: 'record', record: { topic: lineLookupTopic, key: lookupKey, value: lookup } };
    });
  }

  function onLookup(record: InputRecord, state: StateView): Emission[] {
    const lookup = record.value as LineLookup;
    const available: Record<string, number> = {};
    for (const warehouse of lookup.warehouses)
      available[warehouse] = state.get<number>(stockTable, `${lookup.sku}${separator}${warehouse}`) ?? 0;
    const answer: LineAnswer = {
      ...lookup,
      known: state.get(productTable, lookup.sku) !== undefined,
      available,
    };
    const answerKey = [lookup.channelOrderId, lookup.channel, lookup.lineNo].join(separator);
    return [{ kind: 'record', record: { topic: lineAnswerTopic, key: answerKey, value: answer } }];
  }

  function onAnswer(record: InputRecord, state: StateView): Emission[] {
    const answer = record.value as LineAnswer;
    const key = `${answer.channel}${separator}${answer.channelOrderId}`;
    const memory = state.get<OrderMemory>(orderTable, key);
    const pending = memory?.pending;
    // An answer for a version decided or superseded meanwhile has nothing left to decide.
    if (!memory || !pending || pending.tag !== answer.tag) return [];
    const answers = { ...pending.answers, [String(answer.lineNo)]: answer };
    if (Object.keys(answers).length < pending.draft.lines.length) {
      state.put(orderTable, key, { ...memory, pending: { ...pending, answers } } satisfies OrderMemory);
      return [];
    }
    const records = decide(rulesOf.get(answer.channel)!, { ...pending, answers }, record.timestampMs);
    state.put(orderTable, key, { version: memory.version, pending: null } satisfies OrderMemory);
    return asRecords(records);
  }

  function onCatalog(record: InputRecord, state: StateView, table: string): Emission[] {
    if (record.key === null) return [];
    if (record.value === null) state.delete(table, record.key);
    else if (table === productTable) state.put(productTable, record.key, 1);
    else {
      const { onHand, reserved } = record.value as { onHand: number; reserved: number };
      state.put(stockTable, record.key, Math.max(0, onHand - reserved));
    }
    return [];
  }

  return {
    name: 'orders',
    inputTopics: topicNamesOfAll(ordersTopology.reads, { sources: [], channels: config.channels }),
    // The rules are part of every decision still pending: a change of them starts afresh.
    stateSignature: `orders-v1|${signature}`,
    dlqTopic: () => ordersDlqTopic,
    process(record, { state }) {
      if (orderTopics.has(record.topic)) return onOrder(record, state);
      if (record.topic === lineLookupTopic) return onLookup(record, state);
      if (record.topic === lineAnswerTopic) return onAnswer(record, state);
      if (record.topic === productTopic) return onCatalog(record, state, productTable);
      if (record.topic === stockTopic) return onCatalog(record, state, stockTable);
      throw new Error(`the orders processor does not read ${record.topic}`);
    },
  };
}
