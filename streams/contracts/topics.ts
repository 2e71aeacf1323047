/**
 * Every topic syncline reads or writes, declared once: its name (or the pattern of a name per
 * channel or per ERP table), what its key is and how records are partitioned by it, how values are
 * written, and how the broker keeps it. Roles create topics, pick codecs and partitioners from
 * these declarations only, and `syncline topology` prints them; a topic name spelled anywhere else
 * under streams/ fails a test (test/unit/topology-topic-names.test.ts).
 *
 * Names carry a version (`.v1`): a change a reader of the old records cannot follow is a new topic,
 * never an edit of this one.
 */

/** How a topic's values are bytes. */
export type ValueCodec =
  /** Avro in the schema registry, subject `<topic>-value`, written with `schemas/<schema>`. */
  | { readonly kind: 'avro'; readonly schema: string }
  /**
   * Plain JSON: dead letters (readable while the registry is down, STYLE: wire formats) and
   * syncline's internal repartition topic.
   */
  | { readonly kind: 'json' }
  /** Debezium's JsonConverter, schemas off; ingest reads it as text and parks what is not JSON. */
  | { readonly kind: 'debezium-json' };

/**
 * Which part of the key the partitioner hashes (Kafka's murmur2, as the Java client does):
 *   - `first-part`: the key up to the first U+001F (the SKU, or the family SKU), so every row of a
 *     SKU meets on one partition number in every co-partitioned topic;
 *   - `whole-key`: the whole key;
 *   - `debezium`: as Debezium's producer writes it (the table's primary key); syncline never writes.
 */
export type Partitioning = 'first-part' | 'whole-key' | 'debezium';

/**
 * What a topic name is made of:
 *   - `fixed`: one topic, `name` as it is;
 *   - `channel`: one per configured channel, `<id>` in `name` replaced by the channel's id;
 *   - `cdc-table`: one per table a source maps, `<topicPrefix>.<schema>.<table>`;
 *   - `cdc-connector`: one per watched Debezium connector.
 */
export type TopicScope = 'fixed' | 'channel' | 'cdc-table' | 'cdc-connector';

export interface TopicDeclaration {
  /** The name, or its pattern for a scope other than `fixed`. */
  readonly name: string;
  readonly scope: TopicScope;
  /** What a record's key is. */
  readonly key: string;
  /** What a record's value is (null is a tombstone on a compacted topic). */
  readonly value: string;
  readonly codec: ValueCodec;
  readonly cleanup: 'compact' | 'delete';
  /** `retention.ms` of a topic that deletes, when not the broker's default. */
  readonly retentionMs?: number;
  readonly partitioning: Partitioning;
  /** syncline creates its topics with `processing.partitions`; Debezium creates its own. */
  readonly createdBy: 'syncline' | 'debezium';
  /** Who reads it outside syncline's roles (dead letters: an operator). */
  readonly readOutside?: string;
}

/** Dead letters and the register keep a month: long enough for an operator to act. */
const monthMs = 30 * 24 * 3600 * 1000;

export const topics = {
  cdcTable: {
    name: '<topicPrefix>.<schema>.<table>',
    scope: 'cdc-table',
    key: "the ERP table's primary key (Debezium's JSON key)",
    value: 'a Debezium change event (op r/c/u/d) or a tombstone',
    codec: { kind: 'debezium-json' },
    cleanup: 'delete',
    partitioning: 'debezium',
    createdBy: 'debezium',
  },
  debeziumHeartbeat: {
    name: '__debezium-heartbeat.<topicPrefix>',
    scope: 'cdc-connector',
    key: "the connector's server name",
    value: 'a heartbeat every heartbeat.interval.ms, also when the ERP is idle',
    codec: { kind: 'debezium-json' },
    cleanup: 'delete',
    partitioning: 'debezium',
    createdBy: 'debezium',
  },
  catalogProduct: {
    name: 'catalog.product.v1',
    scope: 'fixed',
    key: 'SKU',
    value: 'the canonical product',
    codec: { kind: 'avro', schema: 'catalog.product.v1.avsc' },
    cleanup: 'compact',
    partitioning: 'first-part',
    createdBy: 'syncline',
  },
  catalogStock: {
    name: 'catalog.stock.v1',
    scope: 'fixed',
    key: 'SKU U+001F warehouse',
    value: 'the canonical stock level',
    codec: { kind: 'avro', schema: 'catalog.stock.v1.avsc' },
    cleanup: 'compact',
    partitioning: 'first-part',
    createdBy: 'syncline',
  },
  catalogPrice: {
    name: 'catalog.price.v1',
    scope: 'fixed',
    key: 'SKU U+001F price list',
    value: 'the canonical price',
    codec: { kind: 'avro', schema: 'catalog.price.v1.avsc' },
    cleanup: 'compact',
    partitioning: 'first-part',
    createdBy: 'syncline',
  },
  ingestDlq: {
    name: 'syncline.ingest.dlq.v1',
    scope: 'fixed',
    key: 'SKU, or the CDC key, or <topic>/<partition>@<offset>',
    value: 'a dead letter: code, sentence, source position and bytes',
    codec: { kind: 'json' },
    cleanup: 'delete',
    retentionMs: monthMs,
    partitioning: 'first-part',
    createdBy: 'syncline',
    readOutside: 'an operator',
  },
  offersFamily: {
    name: 'syncline.offers.family.v1',
    scope: 'fixed',
    key: 'family SKU U+001F SKU',
    value: "the SKU's joined state while it is a member of the family",
    codec: { kind: 'json' },
    cleanup: 'compact',
    partitioning: 'first-part',
    createdBy: 'syncline',
  },
  offersDlq: {
    name: 'syncline.offers.dlq.v1',
    scope: 'fixed',
    key: 'SKU, or <topic>/<partition>@<offset>',
    value: 'a dead letter of no channel: code, sentence, source position and bytes',
    codec: { kind: 'json' },
    cleanup: 'delete',
    retentionMs: monthMs,
    partitioning: 'first-part',
    createdBy: 'syncline',
    readOutside: 'an operator',
  },
  channelOffer: {
    name: 'channel.<id>.offer.v1',
    scope: 'channel',
    key: 'SKU, or the parent SKU of a grouped family',
    value: 'the channel offer; a tombstone delists',
    codec: { kind: 'avro', schema: 'channel.offer.v1.avsc' },
    cleanup: 'compact',
    partitioning: 'first-part',
    createdBy: 'syncline',
  },
  channelDlq: {
    name: 'channel.<id>.dlq.v1',
    scope: 'channel',
    key: 'SKU',
    value: 'a dead letter of the channel: code, sentence, source position and bytes',
    codec: { kind: 'json' },
    cleanup: 'delete',
    retentionMs: monthMs,
    partitioning: 'first-part',
    createdBy: 'syncline',
    readOutside: 'an operator',
  },
  syncRegister: {
    name: 'sync.register.v1',
    scope: 'fixed',
    key: '<channel>/<key>, or <channel>/* for the whole channel',
    value: 'a register entry: one outcome at one attempt, with lineage',
    codec: { kind: 'avro', schema: 'sync.register.v1.avsc' },
    cleanup: 'delete',
    retentionMs: monthMs,
    partitioning: 'whole-key',
    createdBy: 'syncline',
  },
  channelOrder: {
    name: 'channel.<id>.order.v1',
    scope: 'channel',
    key: "the channel's order id",
    value: 'the latest version of a channel order',
    codec: { kind: 'avro', schema: 'channel.order.v1.avsc' },
    cleanup: 'compact',
    partitioning: 'whole-key',
    createdBy: 'syncline',
  },
  erpOrderCommand: {
    name: 'erp.order.command.v1',
    scope: 'fixed',
    key: 'channel U+001F channel order id',
    value: 'a command for the ERP: place, amend or cancel an order',
    codec: { kind: 'avro', schema: 'erp.order.command.v1.avsc' },
    // Commands are a log, not a table: a cancel must not compact away the place before it.
    cleanup: 'delete',
    partitioning: 'whole-key',
    createdBy: 'syncline',
  },
  ordersLineLookup: {
    name: 'syncline.orders.line-lookup.v1',
    scope: 'fixed',
    key: 'SKU U+001F channel U+001F channel order id U+001F line number',
    value: 'an order line asking the task that holds its SKU: is it known, how much stock where',
    codec: { kind: 'json' },
    cleanup: 'delete',
    // Partitioned by the SKU, so the line meets the SKU's product and stock rows on one task.
    partitioning: 'first-part',
    createdBy: 'syncline',
  },
  ordersLineAnswer: {
    name: 'syncline.orders.line-answer.v1',
    scope: 'fixed',
    key: 'channel order id U+001F channel U+001F line number',
    value: "the SKU task's answer for one order line: known to the ERP, stock per warehouse",
    codec: { kind: 'json' },
    cleanup: 'delete',
    // Partitioned by the channel order id, as channel.<id>.order.v1 is: back on the order's task.
    partitioning: 'first-part',
    createdBy: 'syncline',
  },
  ordersDlq: {
    name: 'syncline.orders.dlq.v1',
    scope: 'fixed',
    key: 'channel U+001F channel order id',
    value: 'a dead letter of an order: code, sentence, source position and bytes',
    codec: { kind: 'json' },
    cleanup: 'delete',
    retentionMs: monthMs,
    partitioning: 'whole-key',
    createdBy: 'syncline',
    readOutside: 'an operator',
  },
  channelOrderStatus: {
    name: 'channel.<id>.order-status.v1',
    scope: 'channel',
    key: "the channel's order id",
    value: "an ERP order's status or shipment, for the channel",
    codec: { kind: 'avro', schema: 'channel.order-status.v1.avsc' },
    // One record per status change and per shipment: a compaction by order would merge shipments.
    cleanup: 'delete',
    partitioning: 'whole-key',
    createdBy: 'syncline',
  },
} as const satisfies Record<string, TopicDeclaration>;

export type TopicId = keyof typeof topics;

/** Where a pattern's placeholders come from. */
export interface TopicNameParts {
  /** A channel's id, for `<id>`. */
  readonly channel?: string;
  /** A Debezium `topic.prefix`, for `<topicPrefix>`. */
  readonly topicPrefix?: string;
  /** `<schema>.<table>` as a source maps it. */
  readonly table?: string;
}

/** The concrete name of one topic of a declaration. */
export function topicNameOf(id: TopicId, parts: TopicNameParts = {}): string {
  const declared: TopicDeclaration = topics[id];
  const need = (part: keyof TopicNameParts): string => {
    const value = parts[part];
    if (value === undefined) throw new TypeError(`the topic ${declared.name} needs a ${part}`);
    return value;
  };
  switch (declared.scope) {
    case 'fixed':
      return declared.name;
    case 'channel':
      return declared.name.replace('<id>', need('channel'));
    case 'cdc-table':
      return `${need('topicPrefix')}.${need('table')}`;
    case 'cdc-connector':
      return declared.name.replace('<topicPrefix>', need('topicPrefix'));
  }
}

/** The compacted topic a channel's offers go to. */
export const offerTopicOf = (channel: string): string => topicNameOf('channelOffer', { channel });
/** The dead letters of one channel: what the offers processor and the channel's sink park. */
export const channelDlqTopicOf = (channel: string): string => topicNameOf('channelDlq', { channel });
/** A channel's orders, as its intake wrote them. */
export const orderTopicOf = (channel: string): string => topicNameOf('channelOrder', { channel });
/** What the ERP says of a channel's orders, for its sink. */
export const orderStatusTopicOf = (channel: string): string => topicNameOf('channelOrderStatus', { channel });
/** Debezium's change topic of one mapped table. */
export const cdcTopicOf = (topicPrefix: string, table: string): string =>
  topicNameOf('cdcTable', { topicPrefix, table });
/** Debezium's heartbeat topic (its `topic.heartbeat.prefix` is `__debezium-heartbeat`). */
export const heartbeatTopicOf = (topicPrefix: string): string =>
  topicNameOf('debeziumHeartbeat', { topicPrefix });
