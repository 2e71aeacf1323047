/**
 * The engine's one errors module (STYLE habit 2): a stable code per failure, whether retrying can
 * help, and the cause. Retry helpers read `retriable` only; the CLI prints `message` to a person.
 */
export type SynclineErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'SCHEMA_REGISTRY'
  | 'SCHEMA_INCOMPATIBLE'
  | 'DECODE_FAILED'
  | 'ENCODE_FAILED'
  | 'PRODUCER_FENCED'
  | 'TRANSACTION_FAILED'
  | 'OFFSETS_UNSETTLED'
  | 'STATE_STORE'
  | 'TOPIC_SETUP'
  | 'TOPIC_UNDECLARED'
  | 'PORT_TAKEN'
  | 'OPS_DATABASE'
  | 'SINK_SETUP'
  | 'ERP_ORDER_WRITE'
  | 'WRONG_STATE'
  | 'ORDER_MALFORMED'
  | 'CHANNEL_UNAVAILABLE'
  | 'CHANNEL_REFUSED';

export class SynclineError extends Error {
  override readonly name = 'SynclineError';
  constructor(
    readonly code: SynclineErrorCode,
    message: string,
    readonly retriable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** kafkajs marks broker errors it considers transient with `retriable`; fencing never is. */
export function isFencing(error: unknown): boolean {
  const type = (error as { type?: string }).type;
  const name = (error as { name?: string }).name;
  return (
    type === 'INVALID_PRODUCER_EPOCH' ||
    type === 'PRODUCER_FENCED' ||
    type === 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' ||
    name === 'KafkaJSProducerFencedError'
  );
}
