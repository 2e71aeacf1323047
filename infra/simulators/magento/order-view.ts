/**
 * Orders and shipments as the REST API renders them (`Sales\Api\Data\OrderInterface`,
 * `ShipmentInterface` and their children, snake_case keys as `Webapi\ServiceOutputProcessor` writes
 * them). What the simulator keeps for itself (the placement time in ms) never appears here.
 */
import type { JsonObject } from './json-value.ts';
import { money, type OrderRecord, type ShipmentRecord, type StatusHistoryRecord } from './order-records.ts';
import type { Address } from '../shopping/random-basket.ts';

const STORE_ID = 1;
const STORE_NAME = 'Main Website\nMain Website Store\nDefault Store View';

export function orderView(order: OrderRecord): JsonObject {
  const subtotal = money(order.items.reduce((sum, item) => sum + item.price * item.qtyOrdered, 0));
  const grandTotal = money(subtotal + order.shippingAmount);
  const totalQty = order.items.reduce((sum, item) => sum + item.qtyOrdered, 0);
  const guest = order.customerId === null;
  const items = order.items.map((item) => {
    const rowTotal = money(item.price * item.qtyOrdered);
    return {
      item_id: item.itemId,
      order_id: order.entityId,
      quote_item_id: item.itemId,
      store_id: STORE_ID,
      created_at: order.createdAt,
      updated_at: order.updatedAt,
      product_id: item.productId,
      product_type: 'simple',
      sku: item.sku,
      name: item.name,
      is_virtual: 0,
      qty_ordered: item.qtyOrdered,
      qty_shipped: item.qtyShipped,
      qty_invoiced: order.invoiced ? item.qtyOrdered : 0,
      qty_canceled: 0,
      qty_refunded: 0,
      price: item.price,
      base_price: item.price,
      original_price: item.price,
      base_original_price: item.price,
      price_incl_tax: item.price,
      base_price_incl_tax: item.price,
      row_total: rowTotal,
      base_row_total: rowTotal,
      row_total_incl_tax: rowTotal,
      base_row_total_incl_tax: rowTotal,
      tax_amount: 0,
      tax_percent: 0,
      discount_amount: 0,
      discount_percent: 0,
    };
  });
  const view: JsonObject = {
    entity_id: order.entityId,
    increment_id: order.incrementId,
    state: order.state,
    status: order.status,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    store_id: STORE_ID,
    store_name: STORE_NAME,
    customer_email: order.customerEmail,
    customer_firstname: order.customerFirstname,
    customer_lastname: order.customerLastname,
    customer_is_guest: guest ? 1 : 0,
    customer_group_id: guest ? 0 : 1,
    customer_note_notify: 1,
    base_currency_code: order.currency,
    order_currency_code: order.currency,
    global_currency_code: order.currency,
    store_currency_code: order.currency,
    base_to_global_rate: 1,
    base_to_order_rate: 1,
    subtotal,
    base_subtotal: subtotal,
    subtotal_incl_tax: subtotal,
    shipping_amount: order.shippingAmount,
    base_shipping_amount: order.shippingAmount,
    shipping_incl_tax: order.shippingAmount,
    shipping_description: order.shippingDescription,
    tax_amount: 0,
    base_tax_amount: 0,
    discount_amount: 0,
    base_discount_amount: 0,
    grand_total: grandTotal,
    base_grand_total: grandTotal,
    total_due: order.invoiced ? 0 : grandTotal,
    total_paid: order.invoiced ? grandTotal : 0,
    total_qty_ordered: totalQty,
    total_item_count: order.items.length,
    is_virtual: 0,
    email_sent: 1,
    billing_address_id: order.billingAddressId,
    items,
    billing_address: addressView(order.billingAddress, 'billing', order.billingAddressId, order),
    payment: {
      entity_id: order.paymentId,
      parent_id: order.entityId,
      method: order.paymentMethod,
      amount_ordered: grandTotal,
      base_amount_ordered: grandTotal,
      ...(order.invoiced ? { amount_paid: grandTotal, base_amount_paid: grandTotal } : {}),
      shipping_amount: order.shippingAmount,
      additional_information: [],
      account_status: null,
    },
    status_histories: [...order.statusHistories].reverse().map((entry) => historyView(entry, order)),
    extension_attributes: {
      shipping_assignments: [
        {
          shipping: {
            address: addressView(order.shippingAddress, 'shipping', order.shippingAddressId, order),
            method: order.shippingMethod,
            total: {
              shipping_amount: order.shippingAmount,
              base_shipping_amount: order.shippingAmount,
              shipping_incl_tax: order.shippingAmount,
              base_shipping_incl_tax: order.shippingAmount,
              shipping_tax_amount: 0,
              base_shipping_tax_amount: 0,
            },
          },
          items,
        },
      ],
    },
  };
  if (!guest) view.customer_id = order.customerId;
  return view;
}

/** `status_histories`, newest first as `Order::getStatusHistories` sorts them. */
function historyView(entry: StatusHistoryRecord, order: OrderRecord): JsonObject {
  return {
    entity_id: entry.entityId,
    parent_id: order.entityId,
    entity_name: 'order',
    comment: entry.comment,
    status: entry.status,
    is_customer_notified: entry.isCustomerNotified,
    is_visible_on_front: entry.isVisibleOnFront,
    created_at: entry.createdAt,
  };
}

function addressView(
  address: Address,
  type: 'billing' | 'shipping',
  entityId: number,
  order: OrderRecord,
): JsonObject {
  return {
    address_type: type,
    entity_id: entityId,
    parent_id: order.entityId,
    firstname: address.firstname,
    lastname: address.lastname,
    street: [...address.street],
    city: address.city,
    postcode: address.postcode,
    country_id: address.countryId,
    telephone: address.telephone,
    email: order.customerEmail,
    ...(order.customerId === null ? {} : { customer_id: order.customerId }),
  };
}

export function shipmentView(shipment: ShipmentRecord): JsonObject {
  return {
    entity_id: shipment.entityId,
    increment_id: shipment.incrementId,
    order_id: shipment.orderId,
    store_id: STORE_ID,
    customer_id: shipment.customerId,
    billing_address_id: shipment.billingAddressId,
    shipping_address_id: shipment.shippingAddressId,
    email_sent: shipment.emailSent,
    total_qty: shipment.items.reduce((sum, item) => sum + item.qty, 0),
    created_at: shipment.createdAt,
    updated_at: shipment.updatedAt,
    packages: [],
    items: shipment.items.map((item) => ({
      entity_id: item.entityId,
      parent_id: shipment.entityId,
      order_item_id: item.orderItemId,
      product_id: item.productId,
      sku: item.sku,
      name: item.name,
      price: item.price,
      qty: item.qty,
      weight: null,
    })),
    tracks: shipment.tracks.map((track) => ({
      entity_id: track.entityId,
      parent_id: shipment.entityId,
      order_id: shipment.orderId,
      track_number: track.trackNumber,
      title: track.title,
      carrier_code: track.carrierCode,
      description: null,
      qty: null,
      weight: null,
      created_at: track.createdAt,
      updated_at: track.createdAt,
    })),
    comments: shipment.comments.map((comment) => ({
      entity_id: comment.entityId,
      parent_id: shipment.entityId,
      comment: comment.comment,
      is_customer_notified: comment.isCustomerNotified,
      is_visible_on_front: comment.isVisibleOnFront,
      created_at: comment.createdAt,
    })),
  };
}
