/**
 * The webhook adapter's `sink.settings`, as a JSON Schema with defaults (validated once at
 * start-up by the sink config) and the type the validated settings have.
 */

export interface WebhookSettings {
  /** Where every batch is POSTed. */
  readonly url: string;
  /** The environment variable holding the shared HMAC secret (never the secret itself). */
  readonly secretEnv: string;
  /** Deliveries per request (the adapter's maxBatch). */
  readonly batchSize: number;
  /** Extra static headers, e.g. a routing header the receiver's gateway wants. */
  readonly headers: Readonly<Record<string, string>>;
  /** The header carrying `t=<unix seconds>,v1=<hex HMAC>`. */
  readonly signatureHeader: string;
}

/** RFC 9110 token characters: what a header name may be made of. */
const headerName = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

export const webhookSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'secretEnv'],
  properties: {
    url: { type: 'string', pattern: '^https?://\\S+$', description: 'the endpoint every batch is POSTed to' },
    secretEnv: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description: 'name of the environment variable holding the HMAC secret shared with the receiver',
    },
    batchSize: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    headers: {
      type: 'object',
      propertyNames: { pattern: headerName },
      additionalProperties: { type: 'string' },
      default: {},
    },
    signatureHeader: { type: 'string', pattern: headerName, default: 'X-Syncline-Signature' },
  },
} as const;
