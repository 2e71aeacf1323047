/**
 * The simulated sales tables: an order (`sales_order`) with its items, addresses, payment and status
 * history, and a shipment (`sales_shipment`) with its items, tracks and comments. Dates are kept as
 * Magento stores them: UTC `YYYY-MM-DD HH:MM:SS`, one-second resolution, which is what the REST API
 * returns and what an `updated_at` filter compares against.
 */
import type { Address } from '../shopping/random-basket.ts';

/** `Sales\Model\Order` states (`Order::STATE_*`) and the default status of each (`sales_order_status_state`). */
export const ORDER_STATES = {
  new: 'pending',
  processing: 'processing',
  complete: 'complete',
  closed: 'closed',
  canceled: 'canceled',
  holded: 'holded',
} as const;
export type OrderState = keyof typeof ORDER_STATES;

/** States in which `Order\Validation\CanShip` refuses a shipment by the order's status. */
export const UNSHIPPABLE_STATES: ReadonlySet<string> = new Set(['canceled', 'closed', 'holded']);

export interface OrderItemRecord {
  itemId: number;
  sku: string;
  name: string;
  /** The catalog's entity id; null when the SKU was not in the simulated catalog. */
  productId: number | null;
  qtyOrdered: number;
  qtyShipped: number;
  price: number;
}

export interface StatusHistoryRecord {
  entityId: number;
  comment: string | null;
  status: string;
  isCustomerNotified: number | null;
  isVisibleOnFront: number;
  createdAt: string;
}

export interface OrderRecord {
  entityId: number;
  incrementId: string;
  state: OrderState;
  status: string;
  createdAt: string;
  updatedAt: string;
  /** Simulator only, never in a REST answer: when the order was placed and last changed, ms since the epoch. */
  placedAtMs: number;
  updatedAtMs: number;
  customerId: number | null;
  customerEmail: string;
  customerFirstname: string;
  customerLastname: string;
  billingAddress: Address;
  shippingAddress: Address;
  billingAddressId: number;
  shippingAddressId: number;
  shippingMethod: string;
  shippingDescription: string;
  shippingAmount: number;
  currency: string;
  paymentMethod: string;
  paymentId: number;
  /** Paid (invoiced) at placement, as an online payment captured at checkout is. */
  invoiced: boolean;
  items: OrderItemRecord[];
  statusHistories: StatusHistoryRecord[];
}

export interface ShipmentItemRecord {
  entityId: number;
  orderItemId: number;
  sku: string;
  name: string;
  productId: number | null;
  price: number;
  qty: number;
}

export interface ShipmentTrackRecord {
  entityId: number;
  trackNumber: string;
  title: string | null;
  carrierCode: string | null;
  createdAt: string;
}

export interface ShipmentCommentRecord {
  entityId: number;
  comment: string;
  isCustomerNotified: number | null;
  isVisibleOnFront: number;
  createdAt: string;
}

export interface ShipmentRecord {
  entityId: number;
  incrementId: string;
  orderId: number;
  customerId: number | null;
  billingAddressId: number;
  shippingAddressId: number;
  emailSent: number | null;
  items: ShipmentItemRecord[];
  tracks: ShipmentTrackRecord[];
  comments: ShipmentCommentRecord[];
  createdAt: string;
  updatedAt: string;
}

/** How Magento stores and answers a datetime: UTC, `YYYY-MM-DD HH:MM:SS`. */
export function magentoTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The sales sequence of store 1 formats increment ids as nine digits, zero padded ("000000123"). */
export function incrementIdOf(sequence: number): string {
  return String(sequence).padStart(9, '0');
}

/** Money as Magento's decimal(20,4) columns come out of the API: a number, rounded to cents. */
export function money(value: number): number {
  return Math.round(value * 100) / 100;
}
