/**
 * A failure of applying or validating a connector, as one sentence for a person. The text Kafka
 * Connect itself gave (its `message`, a validation error, the first lines of a task's trace) is
 * kept word for word: it is what the operator will search for.
 */
export type ConnectorErrorCode =
  | 'BAD_CONNECTOR_FILE'
  | 'CONNECT_UNREACHABLE'
  | 'CONNECT_REFUSED'
  | 'INVALID_CONFIG'
  | 'CONNECTOR_FAILED'
  | 'NOT_RUNNING_IN_TIME';

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
