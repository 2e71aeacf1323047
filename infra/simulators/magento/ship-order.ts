/**
 * `Sales\Model\ShipOrder` for one order: which items a request ships (`ShipmentFactory::prepareItems`),
 * the validators it must pass (`Order\Validation\CanShip`, then `Shipment\Validation\QuantityValidator`
 * and `TrackValidator`, their messages joined into one 400), the shipment document, and what shipping
 * does to the order (quantities shipped; a new order moves to processing, and `Order::_checkState`
 * completes one that is paid and has nothing left to ship).
 */
import { shipmentDocumentInvalid } from './magento-errors.ts';
import type { ShipInput } from './order-input.ts';
import {
  incrementIdOf,
  ORDER_STATES,
  UNSHIPPABLE_STATES,
  type OrderItemRecord,
  type OrderRecord,
  type ShipmentRecord,
} from './order-records.ts';

export interface ShipmentLine {
  item: OrderItemRecord;
  qty: number;
}

/** The lines this request ships; throws Magento's document validation error when it may not. */
export function shipmentLines(order: OrderRecord, input: ShipInput): ShipmentLine[] {
  const requested = new Map(input.items.map((item) => [item.orderItemId, item.qty]));
  // prepareItems walks the order's items: ids the order lacks are ignored, items with nothing left to
  // ship are skipped, and no items at all means everything left.
  const lines = order.items.flatMap((item) => {
    const left = item.qtyOrdered - item.qtyShipped;
    if (left <= 0) return [];
    const qty = input.items.length === 0 ? left : requested.get(item.itemId);
    return qty === undefined ? [] : [{ item, qty }];
  });

  const messages: string[] = [];
  if (UNSHIPPABLE_STATES.has(order.state))
    messages.push(`A shipment cannot be created when an order has a status of ${order.status}`);
  else if (order.items.every((item) => item.qtyOrdered - item.qtyShipped <= 0))
    messages.push('The order does not allow a shipment to be created.');
  let total = 0;
  for (const { item, qty } of lines) {
    if (qty > item.qtyOrdered - item.qtyShipped)
      messages.push(`We found an invalid quantity to ship for item "${item.name}".`);
    else total += qty;
  }
  if (total <= 0) messages.push("You can't create a shipment without products.");
  for (const track of input.tracks)
    if (track.trackNumber.trim() === '') messages.push('Please enter a tracking number.');
  if (messages.length > 0) throw shipmentDocumentInvalid(messages);
  return lines;
}

/** The shipment document; `nextId` hands out entity ids per table. */
export function shipmentRecord(
  order: OrderRecord,
  input: ShipInput,
  lines: readonly ShipmentLine[],
  stamp: string,
  nextId: (table: string) => number,
): ShipmentRecord {
  const entityId = nextId('shipment');
  return {
    entityId,
    incrementId: incrementIdOf(entityId),
    orderId: order.entityId,
    customerId: order.customerId,
    billingAddressId: order.billingAddressId,
    shippingAddressId: order.shippingAddressId,
    emailSent: input.notify ? 1 : null,
    items: lines
      .filter(({ qty }) => qty > 0)
      .map(({ item, qty }) => ({
        entityId: nextId('shipment_item'),
        orderItemId: item.itemId,
        sku: item.sku,
        name: item.name,
        productId: item.productId,
        price: item.price,
        qty,
      })),
    tracks: input.tracks.map((track) => ({
      entityId: nextId('track'),
      trackNumber: track.trackNumber,
      title: track.title,
      carrierCode: track.carrierCode,
      createdAt: stamp,
    })),
    comments: input.comment
      ? [
          {
            entityId: nextId('shipment_comment'),
            comment: input.comment.comment,
            isCustomerNotified: input.notify && input.appendComment ? 1 : 0,
            isVisibleOnFront: input.comment.isVisibleOnFront,
            createdAt: stamp,
          },
        ]
      : [],
    createdAt: stamp,
    updatedAt: stamp,
  };
}

/** `OrderRegistrar::register` and the state change that follows the shipment's save. */
export function registerShipment(order: OrderRecord, lines: readonly ShipmentLine[]): void {
  for (const { item, qty } of lines) item.qtyShipped += qty;
  if (order.state === 'new') order.state = 'processing';
  const allShipped = order.items.every((item) => item.qtyShipped >= item.qtyOrdered);
  if (order.state === 'processing' && order.invoiced && allShipped) order.state = 'complete';
  order.status = ORDER_STATES[order.state];
}
