/**
 * The register entry and the dead letter of one ERP order command as the ERP order sink wrote it
 * (or could not). WRITTEN names the ERP order; UNCHANGED is a command seen again, harmless, with
 * the same ERP order; PARKED is a command the ERP refused, in syncline.orders.dlq.v1.
 */
import { erpOrderKey, type ErpOrderCommand } from '../../contracts/orders/index.ts';
import { registerKeyOf, registerTopic, type RegisterEntry } from '../../contracts/register-entry.ts';
import { topicNameOf } from '../../contracts/topics.ts';
import type { ConsumedRecord } from '../../runtime/sink/batch-consumer.ts';
import type { OutgoingRecord } from '../../runtime/sink/record-writer.ts';
import type { ErpOrderWrite } from './erp-order-write.ts';

export const ordersDlqTopic = topicNameOf('ordersDlq');

/** The channel and order id of a command, or of its key when the value could not be read. */
export function orderIdentity(record: ConsumedRecord): { channel: string; channelOrderId: string } {
  const value = record.value as Partial<ErpOrderCommand> | undefined | null;
  if (typeof value?.channel === 'string' && typeof value.channelOrderId === 'string')
    return { channel: value.channel, channelOrderId: value.channelOrderId };
  const [channel = '?', channelOrderId = record.key ?? '?'] = (record.key ?? '').split('\u001f');
  return { channel, channelOrderId };
}

export function registerRecord(
  record: ConsumedRecord,
  write: ErpOrderWrite | { outcome: 'undecodable'; message: string },
  nowMs: number,
): OutgoingRecord {
  const { channel, channelOrderId } = orderIdentity(record);
  const status =
    write.outcome === 'written' ? 'WRITTEN' : write.outcome === 'unchanged' ? 'UNCHANGED' : 'PARKED';
  const command = record.value as Partial<ErpOrderCommand> | undefined;
  const entry: RegisterEntry = {
    channel,
    key: channelOrderId,
    status,
    operation: 'UPSERT',
    contentHash: String(command?.channelVersion ?? ''),
    attempt: 1,
    httpStatus: null,
    errorCode:
      write.outcome === 'refused' ? write.code : write.outcome === 'undecodable' ? 'UNDECODABLE' : null,
    channelError: null,
    sentence: write.message,
    offerTopic: record.topic,
    offerPartition: record.partition,
    offerOffset: Number(record.offset),
    erpSource: null,
    erpTable: null,
    erpPosition: null,
    erpTxId: null,
    erpCommitMs: null,
    recordedAtMs: nowMs,
    latencyMs:
      typeof command?.orderedAtMs === 'number' && write.outcome === 'written'
        ? nowMs - command.orderedAtMs
        : null,
    scope: 'RECORD',
    probeIntervalMs: null,
    pausedMs: null,
    erpOrderId: 'erpOrderId' in write ? write.erpOrderId : null,
  };
  return { topic: registerTopic, key: registerKeyOf(channel, channelOrderId), value: entry };
}

/** The dead letter of a command the ERP refused, or that could not be read: the engine's shape. */
export function deadLetter(
  record: ConsumedRecord,
  code: string,
  message: string,
  nowMs: number,
): OutgoingRecord {
  const { channel, channelOrderId } = orderIdentity(record);
  const text = record.raw?.toString('base64') ?? null;
  return {
    topic: ordersDlqTopic,
    key: erpOrderKey(channel, channelOrderId),
    value: {
      processor: 'erp-orders',
      code,
      message,
      sku: null,
      channel,
      sourceTopic: record.topic,
      sourcePartition: record.partition,
      sourceOffset: record.offset,
      sourceKey: record.key,
      // Avro bytes: base64, to be read back through the registry.
      sourceValue: text,
      sourceValueEncoding: 'base64',
      parkedAtMs: nowMs,
    },
  };
}
