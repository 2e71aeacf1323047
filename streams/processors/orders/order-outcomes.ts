/**
 * What the orders processor writes when it decides an order: the ERP command with an ACCEPTED
 * register entry, or a dead letter with a PARKED entry. Pure: the time recorded is the input
 * record's timestamp, so the same input always yields the same records (a restore replays them).
 *
 * The dead letter is the engine's shape (parked-record.ts) with the channel order itself as its
 * input, whichever record completed the decision (the last line's answer, usually), so an operator
 * reads the order that was refused and can send it again once the cause is fixed.
 */
import { erpOrderKey, orderLabel, type ErpOrderCommand } from '../../contracts/orders/index.ts';
import { registerKeyOf, registerTopic, type RegisterEntry } from '../../contracts/register-entry.ts';
import { topicNameOf } from '../../contracts/topics.ts';
import type { ParkedRecord } from '../../runtime/eos/parked-record.ts';
import type { OutputRecord } from '../../runtime/processor.ts';
import type { OrderProblem } from './order-draft.ts';

export const erpOrderCommandTopic = topicNameOf('erpOrderCommand');
export const ordersDlqTopic = topicNameOf('ordersDlq');

/** Where the channel order was, and the order as text, for the dead letter and the register. */
export interface OrderSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly orderJson: string;
}

export interface OrderRef {
  readonly channel: string;
  readonly channelOrderId: string;
  /** The version's tag, `<updatedAtMs>.<sequence>`: the register's content hash of the order. */
  readonly tag: string;
}

function registerEntry(
  ref: OrderRef,
  source: OrderSource,
  status: 'ACCEPTED' | 'PARKED',
  sentence: string,
  errorCode: string | null,
  nowMs: number,
): RegisterEntry {
  return {
    channel: ref.channel,
    key: ref.channelOrderId,
    status,
    operation: 'UPSERT',
    contentHash: ref.tag,
    attempt: 1,
    httpStatus: null,
    errorCode,
    channelError: null,
    sentence,
    offerTopic: source.topic,
    offerPartition: source.partition,
    offerOffset: Number(source.offset),
    erpSource: null,
    erpTable: null,
    erpPosition: null,
    erpTxId: null,
    erpCommitMs: null,
    recordedAtMs: nowMs,
    latencyMs: null,
    scope: 'RECORD',
    probeIntervalMs: null,
    pausedMs: null,
    erpOrderId: null,
  };
}

const registerRecord = (entry: RegisterEntry): OutputRecord => ({
  topic: registerTopic,
  key: registerKeyOf(entry.channel, entry.key),
  value: entry,
});

/** The sentence of an accepted order: what goes to the ERP and from where it ships. */
export function acceptedSentence(command: ErpOrderCommand): string {
  const from = [...new Set(command.lines.map((l) => l.warehouse))].join(', ');
  const lines = `${command.lines.length} line${command.lines.length === 1 ? '' : 's'}`;
  return `${orderLabel(command)}: accepted, ${lines} routed to ${from}; ${command.kind} sent to the ERP`;
}

export function accepted(command: ErpOrderCommand, ref: OrderRef, source: OrderSource, nowMs: number) {
  return [
    {
      topic: erpOrderCommandTopic,
      key: erpOrderKey(command.channel, command.channelOrderId),
      value: command,
    },
    registerRecord(registerEntry(ref, source, 'ACCEPTED', acceptedSentence(command), null, nowMs)),
  ] satisfies OutputRecord[];
}

/** "order 100000123 from webshop: SKU X is unknown to the ERP; line 2 (SKU Y) has quantity 0" */
export const parkSentence = (
  ref: Pick<OrderRef, 'channel' | 'channelOrderId'>,
  problems: readonly OrderProblem[],
) => `${orderLabel(ref)}: ${problems.map((p) => p.text).join('; ')}`;

export function parked(
  problems: readonly OrderProblem[],
  ref: OrderRef,
  source: OrderSource,
  nowMs: number,
): OutputRecord[] {
  const code = problems[0]?.code ?? 'INVALID_COMMAND';
  const message = parkSentence(ref, problems);
  const letter: ParkedRecord = {
    processor: 'orders',
    code,
    message,
    sku: null,
    channel: ref.channel,
    sourceTopic: source.topic,
    sourcePartition: source.partition,
    sourceOffset: source.offset,
    sourceKey: source.key,
    sourceValue: source.orderJson,
    sourceValueEncoding: 'utf8',
    parkedAtMs: nowMs,
  };
  return [
    { topic: ordersDlqTopic, key: erpOrderKey(ref.channel, ref.channelOrderId), value: letter },
    registerRecord(registerEntry(ref, source, 'PARKED', message, code, nowMs)),
  ];
}
