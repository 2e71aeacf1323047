/**
 * The simulated sales module: orders placed by the sample shopper (or a test), searched and read through
 * the REST API, shipped (`Sales\Model\ShipOrder`) and commented on (`OrderManagementInterface::addComment`).
 * Every change moves `updated_at`, as the `sales_order` row's own timestamp does on save.
 *
 * Besides what Magento keeps, each order records when it was placed in milliseconds (`placedAtMs`), read
 * through the simulator's own routes only, so a test or a bench measures latency from the sale itself.
 */
import type { JsonObject, JsonValue } from './json-value.ts';
import { entityNotFound } from './magento-errors.ts';
import type { ShipInput, StatusHistoryInput } from './order-input.ts';
import {
  incrementIdOf,
  magentoTime,
  money,
  ORDER_STATES,
  type OrderRecord,
  type OrderState,
  type ShipmentRecord,
} from './order-records.ts';
import { registerShipment, shipmentLines, shipmentRecord } from './ship-order.ts';
import { orderView, shipmentView } from './order-view.ts';
import { applySearchCriteria, type SearchCriteria, type SearchPage } from './search-criteria.ts';
import type { Address, Buyer } from '../shopping/random-basket.ts';

export interface OrderLineDraft {
  sku: string;
  name: string;
  price: number;
  qty: number;
  productId: number | null;
}

export interface OrderDraft {
  lines: readonly OrderLineDraft[];
  buyer: Buyer;
  /** Default: the store's currency. */
  currency?: string;
  /** Default `checkmo` (check / money order: placed unpaid, state new). */
  paymentMethod?: string;
  /** Paid at checkout (state processing); default: any method but the offline ones. */
  invoiced?: boolean;
  /** Default: flat rate 5.00 per unit, Magento's sample flat-rate setting. */
  shippingAmount?: number;
  billingAddress?: Address;
}

/** A change a test or the shopper makes to a placed order, as an admin edit or a status change would. */
export interface OrderChange {
  state?: OrderState;
  status?: string;
  customerEmail?: string;
  shippingAddress?: Address;
  comment?: string;
}

/** The simulator-only record of one order's timing. */
export interface OrderPlacement {
  entity_id: number;
  increment_id: string;
  placed_at_ms: number;
  updated_at_ms: number;
  state: string;
  status: string;
}

const OFFLINE_METHODS = new Set(['checkmo', 'banktransfer', 'cashondelivery', 'purchaseorder']);
const FLAT_RATE_PER_UNIT = 5;

export class OrderStore {
  private readonly orders = new Map<number, OrderRecord>();
  private readonly shipments: ShipmentRecord[] = [];
  private readonly sequences = new Map<string, number>();

  constructor(private readonly options: { currency: string; now?: () => number }) {}

  get orderCount(): number {
    return this.orders.size;
  }

  reset(): void {
    this.orders.clear();
    this.shipments.splice(0);
    this.sequences.clear();
  }

  place(draft: OrderDraft): OrderRecord {
    const nowMs = this.now();
    const stamp = magentoTime(nowMs);
    const paymentMethod = draft.paymentMethod ?? 'checkmo';
    const invoiced = draft.invoiced ?? !OFFLINE_METHODS.has(paymentMethod);
    const state: OrderState = invoiced ? 'processing' : 'new';
    const entityId = this.next('order');
    const totalQty = draft.lines.reduce((sum, line) => sum + line.qty, 0);
    const order: OrderRecord = {
      entityId,
      incrementId: incrementIdOf(entityId),
      state,
      status: ORDER_STATES[state],
      createdAt: stamp,
      updatedAt: stamp,
      placedAtMs: nowMs,
      updatedAtMs: nowMs,
      customerId: draft.buyer.customerId,
      customerEmail: draft.buyer.email,
      customerFirstname: draft.buyer.firstname,
      customerLastname: draft.buyer.lastname,
      billingAddress: draft.billingAddress ?? draft.buyer.address,
      shippingAddress: draft.buyer.address,
      billingAddressId: this.next('address'),
      shippingAddressId: this.next('address'),
      shippingMethod: 'flatrate_flatrate',
      shippingDescription: 'Flat Rate - Fixed',
      shippingAmount: money(draft.shippingAmount ?? FLAT_RATE_PER_UNIT * totalQty),
      currency: draft.currency ?? this.options.currency,
      paymentMethod,
      paymentId: this.next('payment'),
      invoiced,
      items: draft.lines.map((line) => ({
        itemId: this.next('item'),
        sku: line.sku,
        name: line.name,
        productId: line.productId,
        qtyOrdered: line.qty,
        qtyShipped: 0,
        price: money(line.price),
      })),
      statusHistories: [],
    };
    this.orders.set(entityId, order);
    return order;
  }

  update(entityId: number, change: OrderChange): OrderRecord {
    const order = this.require(entityId);
    if (change.state !== undefined) {
      order.state = change.state;
      order.status = change.status ?? ORDER_STATES[change.state];
    } else if (change.status !== undefined) order.status = change.status;
    if (change.customerEmail !== undefined) order.customerEmail = change.customerEmail;
    if (change.shippingAddress !== undefined) order.shippingAddress = change.shippingAddress;
    if (change.comment !== undefined) this.addHistory(order, change.comment, null, 0);
    this.touch(order);
    return order;
  }

  get(entityId: number): JsonObject {
    return orderView(this.require(entityId));
  }

  search(criteria: SearchCriteria): SearchPage<JsonObject> {
    const page = applySearchCriteria([...this.orders.values()], criteria, orderField);
    return { items: page.items.map(orderView), totalCount: page.totalCount };
  }

  searchShipments(criteria: SearchCriteria): SearchPage<JsonObject> {
    return applySearchCriteria(this.shipments.map(shipmentView), criteria, (row, name) => row[name]);
  }

  /** `ShipOrder::execute`: validates, then registers the shipped quantities and answers the shipment id. */
  ship(orderId: number, input: ShipInput): number {
    const order = this.require(orderId);
    const lines = shipmentLines(order, input);
    const stamp = magentoTime(this.now());
    const shipment = shipmentRecord(order, input, lines, stamp, (table) => this.next(table));
    this.shipments.push(shipment);
    registerShipment(order, lines);
    this.touch(order);
    return shipment.entityId;
  }

  /** `OrderManagementInterface::addComment`: a status given becomes the order's status. Answers true. */
  addComment(entityId: number, input: StatusHistoryInput): true {
    const order = this.require(entityId);
    if (input.status !== null && input.status !== '') order.status = input.status;
    this.addHistory(order, input.comment, input.isCustomerNotified, input.isVisibleOnFront);
    this.touch(order);
    return true;
  }

  placements(sinceEntityId = 0): OrderPlacement[] {
    const result: OrderPlacement[] = [];
    for (const order of this.orders.values()) {
      if (order.entityId <= sinceEntityId) continue;
      result.push({
        entity_id: order.entityId,
        increment_id: order.incrementId,
        placed_at_ms: order.placedAtMs,
        updated_at_ms: order.updatedAtMs,
        state: order.state,
        status: order.status,
      });
    }
    return result;
  }

  private addHistory(
    order: OrderRecord,
    comment: string | null,
    isCustomerNotified: number | null,
    isVisibleOnFront: number,
  ): void {
    order.statusHistories.push({
      entityId: this.next('history'),
      comment,
      status: order.status,
      isCustomerNotified,
      isVisibleOnFront,
      createdAt: magentoTime(this.now()),
    });
  }

  private touch(order: OrderRecord): void {
    order.updatedAtMs = this.now();
    order.updatedAt = magentoTime(order.updatedAtMs);
  }

  private require(entityId: number): OrderRecord {
    const order = this.orders.get(entityId);
    if (!order) throw entityNotFound();
    return order;
  }

  private next(table: string): number {
    const value = (this.sequences.get(table) ?? 0) + 1;
    this.sequences.set(table, value);
    return value;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}

/** A top-level field of an order for search filters and sort orders, without rendering the whole order. */
function orderField(order: OrderRecord, name: string): JsonValue | undefined {
  switch (name) {
    case 'entity_id':
      return order.entityId;
    case 'increment_id':
      return order.incrementId;
    case 'state':
      return order.state;
    case 'status':
      return order.status;
    case 'created_at':
      return order.createdAt;
    case 'updated_at':
      return order.updatedAt;
    case 'customer_email':
      return order.customerEmail;
    case 'customer_id':
      return order.customerId;
    default:
      return orderView(order)[name];
  }
}
