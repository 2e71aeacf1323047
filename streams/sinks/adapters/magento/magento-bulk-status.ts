/**
 * Reading a bulk's fate: `GET /V1/bulk/{bulkUuid}/status` answers
 * `{operations_list:[{id,status,result_message,error_code}],...}` with operation statuses
 * 1 complete, 2 failed but retriable, 3 failed, 4 open, 5 rejected (AdobeDocs
 * `rest/operation-status-endpoints.md`; CHANNEL-APIS.md §1 "Async bulk"). A product's business
 * error shows up only here.
 */
import type { ItemOutcome } from '../../channel-adapter.ts';
import { fillPlaceholders, rejectionCode } from './magento-error-text.ts';

/** What became of one element of the bulk request. */
export type OperationResult =
  { readonly kind: 'saved' } | { readonly kind: 'open' } | Exclude<ItemOutcome, { kind: 'delivered' }>;

interface Operation {
  readonly id: number;
  readonly status: number;
  readonly message: string;
  readonly errorCode: string | null;
}

function operations(json: unknown): Operation[] | undefined {
  const list = (json as { operations_list?: unknown } | null)?.operations_list;
  if (!Array.isArray(list)) return undefined;
  const found: Operation[] = [];
  for (const entry of list as unknown[]) {
    const operation = entry as {
      id?: unknown;
      status?: unknown;
      result_message?: unknown;
      error_code?: unknown;
    };
    if (operation === null || typeof operation !== 'object') continue;
    const id = Number(operation.id);
    const status = Number(operation.status);
    if (!Number.isInteger(id) || !Number.isInteger(status)) continue;
    const message = typeof operation.result_message === 'string' ? operation.result_message : '';
    const code = operation.error_code;
    const errorCode =
      (typeof code === 'string' && code !== '' && code !== '0') || (typeof code === 'number' && code !== 0)
        ? String(code)
        : null;
    found.push({ id, status, message, errorCode });
  }
  return found;
}

/**
 * The operation of each request element. An element refused while queued gets no operation
 * (`MassSchedule::publishMass`), so only the `accepted` elements (indices, in request order) have
 * one. Magento numbers operations either by their element's place in the request
 * (`operation_key`, 0-based, as `request_items[].id` in the 202) or, in older versions, by a
 * table-wide id assigned in request order: ids all within 0..n-1 are taken as places, any other
 * set as many as the accepted elements in ascending order. An element without one is undefined.
 */
function byElement(
  found: readonly Operation[],
  count: number,
  accepted: readonly number[],
): (Operation | undefined)[] {
  const sorted = [...found].sort((a, b) => a.id - b.id);
  const asPlaces = sorted.every((operation) => operation.id >= 0 && operation.id < count);
  const elements: (Operation | undefined)[] = new Array<Operation | undefined>(count).fill(undefined);
  if (asPlaces) {
    for (const operation of sorted) elements[operation.id] = operation;
  } else if (sorted.length === accepted.length) {
    sorted.forEach((operation, rank) => {
      const index = accepted[rank];
      if (index !== undefined) elements[index] = operation;
    });
  }
  return elements;
}

function resultOf(operation: Operation | undefined): OperationResult {
  if (operation === undefined) return { kind: 'open' };
  const channelError = fillPlaceholders(operation.message);
  switch (operation.status) {
    case 1:
      return { kind: 'saved' };
    case 2:
      return {
        kind: 'transient',
        status: null,
        channelError: channelError || 'bulk operation failed, retriable',
      };
    case 3:
    case 5: {
      const text =
        channelError || (operation.status === 5 ? 'bulk operation rejected' : 'bulk operation failed');
      // The text names the common refusals; Magento's error_code is the exception's number, so
      // it only stands in when the text is not one of them.
      const known = rejectionCode(text);
      const code = known !== 'INVALID_PRODUCT' ? known : (operation.errorCode ?? 'MAGENTO_REJECTED');
      return { kind: 'rejected', status: null, channelError: text, code };
    }
    default:
      return { kind: 'open' };
  }
}

/**
 * Each element's result, or undefined when the body is not a bulk status. `accepted`: the
 * elements Magento queued (default: all); the others have no operation and read as open.
 */
export function bulkResults(
  json: unknown,
  count: number,
  accepted: readonly number[] = Array.from({ length: count }, (_, index) => index),
): OperationResult[] | undefined {
  const found = operations(json);
  if (found === undefined) return undefined;
  return byElement(found, count, accepted).map(resultOf);
}
