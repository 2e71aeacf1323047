/**
 * The bodies of the order routes, decoded the way `Webapi\ServiceInputProcessor` maps them onto the
 * service arguments: `ShipOrderInterface::execute($orderId, $items, $notify, $appendComment, $comment,
 * $tracks, ...)` and `OrderManagementInterface::addComment($id, $statusHistory)`. Keys of data objects
 * are snake_case or camelCase; a missing required argument or a value of the wrong type is the 400
 * the web API gives before the service runs.
 */
import { isJsonObject, type JsonObject, type JsonValue } from './json-value.ts';
import { fieldTypeInvalid, requiredField } from './magento-errors.ts';

export interface ShipItemInput {
  orderItemId: number;
  qty: number;
}

export interface ShipTrackInput {
  trackNumber: string;
  title: string | null;
  carrierCode: string | null;
}

export interface ShipInput {
  /** Empty: ship everything left to ship (`ShipmentFactory::prepareItems`). */
  items: ShipItemInput[];
  notify: boolean;
  appendComment: boolean;
  comment: { comment: string; isVisibleOnFront: number } | null;
  tracks: ShipTrackInput[];
}

export interface StatusHistoryInput {
  comment: string | null;
  status: string | null;
  isCustomerNotified: number | null;
  isVisibleOnFront: number;
}

/** `POST /V1/order/:orderId/ship`: every argument is optional; an empty body ships the whole order. */
export function parseShipBody(body: unknown): ShipInput {
  const input: JsonObject = isJsonObject(body) ? body : {};
  const comment = field(input, 'comment');
  if (comment !== undefined && comment !== null && !isJsonObject(comment))
    throw fieldTypeInvalid('comment', comment, 'array');
  return {
    items: listOf(input, 'items').map((item, index) => ({
      orderItemId: requiredNumber(item, 'order_item_id', `items[${index}].order_item_id`),
      qty: requiredNumber(item, 'qty', `items[${index}].qty`),
    })),
    notify: truthy(field(input, 'notify')),
    appendComment: truthy(field(input, 'append_comment')),
    comment: isJsonObject(comment)
      ? {
          comment: textOf(field(comment, 'comment')) ?? '',
          isVisibleOnFront: truthy(field(comment, 'is_visible_on_front')) ? 1 : 0,
        }
      : null,
    tracks: listOf(input, 'tracks').map((track) => ({
      trackNumber: textOf(field(track, 'track_number')) ?? '',
      title: textOf(field(track, 'title')),
      carrierCode: textOf(field(track, 'carrier_code')),
    })),
  };
}

/** `POST /V1/orders/:id/comments` with `{"statusHistory": {...}}`. */
export function parseCommentBody(body: unknown): StatusHistoryInput {
  const history = isJsonObject(body) ? field(body, 'status_history') : undefined;
  if (history === undefined || history === null) throw requiredField('statusHistory');
  if (!isJsonObject(history)) throw fieldTypeInvalid('statusHistory', history, 'array');
  const notified = field(history, 'is_customer_notified');
  return {
    comment: textOf(field(history, 'comment')),
    status: textOf(field(history, 'status')),
    isCustomerNotified: notified === undefined || notified === null ? null : truthy(notified) ? 1 : 0,
    isVisibleOnFront: truthy(field(history, 'is_visible_on_front')) ? 1 : 0,
  };
}

/** A key as sent, snake_case first, then its camelCase twin. */
function field(object: JsonObject, snake: string): JsonValue | undefined {
  const camel = snake.replace(/_([a-z])/g, (_whole, letter: string) => letter.toUpperCase());
  return object[snake] ?? object[camel];
}

function listOf(input: JsonObject, key: string): JsonObject[] {
  const value = field(input, key);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fieldTypeInvalid(key, value, 'array');
  return value.map((entry) => {
    if (!isJsonObject(entry)) throw fieldTypeInvalid(key, entry, 'array');
    return entry;
  });
}

function requiredNumber(object: JsonObject, key: string, path: string): number {
  const value = field(object, key);
  if (value === undefined || value === null || value === '') throw requiredField(key);
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(number)) throw fieldTypeInvalid(path, value, key === 'qty' ? 'float' : 'int');
  return number;
}

function textOf(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') return null;
  return String(value);
}

/** PHP's boolean cast of a JSON scalar: "0", 0, false and "" are false. */
function truthy(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value !== '' && value !== '0' && value.toLowerCase() !== 'false';
  if (typeof value === 'number') return value !== 0;
  return value === true;
}
