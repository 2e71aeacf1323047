/**
 * The admin API's errors: a stable code per problem, the HTTP status it maps to, and a message
 * that names the problem (the field, the value, what is expected). Every error answer has the
 * shape `{"error": CODE, "message": "..."}` (errorSchema), documented in the OpenAPI document.
 */
export type AdminErrorCode =
  | 'REQUEST_INVALID'
  | 'CURSOR_INVALID'
  | 'CURSOR_MISMATCH'
  | 'RANGE_INVALID'
  | 'ROUTE_NOT_FOUND'
  | 'RECORD_NOT_FOUND'
  | 'OPS_UNAVAILABLE'
  | 'INTERNAL';

const statusOf: Record<AdminErrorCode, number> = {
  REQUEST_INVALID: 400,
  CURSOR_INVALID: 400,
  CURSOR_MISMATCH: 400,
  RANGE_INVALID: 400,
  ROUTE_NOT_FOUND: 404,
  RECORD_NOT_FOUND: 404,
  OPS_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class AdminError extends Error {
  override readonly name = 'AdminError';
  readonly statusCode: number;
  constructor(
    readonly code: AdminErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.statusCode = statusOf[code];
  }

  toJSON(): { error: AdminErrorCode; message: string } {
    return { error: this.code, message: this.message };
  }
}

export const errorSchema = {
  $id: 'AdminError',
  type: 'object',
  required: ['error', 'message'],
  additionalProperties: false,
  properties: {
    error: { type: 'string', enum: Object.keys(statusOf) },
    message: { type: 'string' },
  },
} as const;

/** The error answers a route may give, by status, for its response schema. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries([...new Set([...statuses, 500, 503])].map((s) => [s, { $ref: 'AdminError#' }]));
}
