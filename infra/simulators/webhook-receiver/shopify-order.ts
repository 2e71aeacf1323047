/**
 * A marketplace order in Shopify's order shape, as the `orders/create` and `orders/updated` webhooks
 * carry it (the REST Admin API's Order resource): numeric ids, `name` "#1001", money as decimal strings,
 * `line_items` with `sku`, `quantity` and `price`, `customer` (null for a guest checkout without a
 * customer record), `shipping_address`, totals. Timestamps are ISO 8601 with the shop's offset and
 * one-second resolution, as Shopify writes them: two versions of an order within one second share
 * `updated_at`.
 */
import type { Address, Basket, Buyer } from '../shopping/random-basket.ts';

export interface ShopifyLineItem {
  id: number;
  admin_graphql_api_id: string;
  product_id: number | null;
  variant_id: number | null;
  sku: string;
  title: string;
  name: string;
  quantity: number;
  fulfillable_quantity: number;
  price: string;
  total_discount: string;
  fulfillment_status: string | null;
  fulfillment_service: string;
  requires_shipping: boolean;
  taxable: boolean;
  gift_card: boolean;
  grams: number;
  vendor: string | null;
}

export interface ShopifyAddress {
  first_name: string;
  last_name: string;
  name: string;
  address1: string;
  address2: string | null;
  city: string;
  zip: string;
  province: string | null;
  country: string;
  country_code: string;
  phone: string;
  company: string | null;
}

export interface ShopifyCustomer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  admin_graphql_api_id: string;
}

export interface ShopifyOrder {
  id: number;
  admin_graphql_api_id: string;
  name: string;
  order_number: number;
  email: string;
  contact_email: string;
  created_at: string;
  updated_at: string;
  processed_at: string;
  cancelled_at: string | null;
  cancel_reason: string | null;
  currency: string;
  presentment_currency: string;
  financial_status: string;
  fulfillment_status: string | null;
  confirmed: boolean;
  test: boolean;
  note: string | null;
  tags: string;
  source_name: string;
  subtotal_price: string;
  total_line_items_price: string;
  total_discounts: string;
  total_tax: string;
  total_shipping_price_set: { shop_money: { amount: string; currency_code: string } };
  total_price: string;
  line_items: ShopifyLineItem[];
  shipping_lines: { id: number; code: string; title: string; price: string; source: string }[];
  customer: ShopifyCustomer | null;
  shipping_address: ShopifyAddress;
  billing_address: ShopifyAddress;
}

const COUNTRIES: Readonly<Record<string, string>> = {
  AT: 'Austria',
  DE: 'Germany',
  FR: 'France',
  NL: 'Netherlands',
  PL: 'Poland',
};
/** Shopify's ids are large integers; these stay well inside JavaScript's safe range. */
const ORDER_ID_BASE = 5_100_000_000_000;
const LINE_ID_BASE = 13_000_000_000_000;
const CUSTOMER_ID_BASE = 7_000_000_000_000;
const FIRST_ORDER_NUMBER = 1001;
const SHIPPING_PER_ORDER = 4.9;

/** Shopify's timestamp: ISO 8601, whole seconds, the shop's offset (UTC here). */
export function shopifyTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

export const decimal = (value: number): string => value.toFixed(2);

export function shopifyAddress(address: Address): ShopifyAddress {
  return {
    first_name: address.firstname,
    last_name: address.lastname,
    name: `${address.firstname} ${address.lastname}`,
    address1: address.street[0] ?? '',
    address2: address.street[1] ?? null,
    city: address.city,
    zip: address.postcode,
    province: null,
    country: COUNTRIES[address.countryId] ?? address.countryId,
    country_code: address.countryId,
    phone: address.telephone,
    company: null,
  };
}

function customerOf(buyer: Buyer): ShopifyCustomer | null {
  if (buyer.customerId === null) return null;
  const id = CUSTOMER_ID_BASE + buyer.customerId;
  return {
    id,
    email: buyer.email,
    first_name: buyer.firstname,
    last_name: buyer.lastname,
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
  };
}

/** The `sequence`-th order of the shop (1, 2, ...), placed at `placedAtMs`. */
export function shopifyOrder(
  sequence: number,
  basket: Basket,
  currency: string,
  placedAtMs: number,
): ShopifyOrder {
  const id = ORDER_ID_BASE + sequence;
  const stamp = shopifyTime(placedAtMs);
  const lineItems = basket.lines.map((line, index): ShopifyLineItem => {
    const lineId = LINE_ID_BASE + sequence * 10 + index;
    return {
      id: lineId,
      admin_graphql_api_id: `gid://shopify/LineItem/${lineId}`,
      product_id: null,
      variant_id: null,
      sku: line.sku,
      title: line.name,
      name: line.name,
      quantity: line.qty,
      fulfillable_quantity: line.qty,
      price: decimal(line.price),
      total_discount: '0.00',
      fulfillment_status: null,
      fulfillment_service: 'manual',
      requires_shipping: true,
      taxable: true,
      gift_card: false,
      grams: 0,
      vendor: null,
    };
  });
  const subtotal = basket.lines.reduce((sum, line) => sum + Math.round(line.price * 100) * line.qty, 0) / 100;
  const address = shopifyAddress(basket.buyer.address);
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${FIRST_ORDER_NUMBER - 1 + sequence}`,
    order_number: FIRST_ORDER_NUMBER - 1 + sequence,
    email: basket.buyer.email,
    contact_email: basket.buyer.email,
    created_at: stamp,
    updated_at: stamp,
    processed_at: stamp,
    cancelled_at: null,
    cancel_reason: null,
    currency,
    presentment_currency: currency,
    financial_status: 'paid',
    fulfillment_status: null,
    confirmed: true,
    test: false,
    note: null,
    tags: '',
    source_name: 'web',
    subtotal_price: decimal(subtotal),
    total_line_items_price: decimal(subtotal),
    total_discounts: '0.00',
    total_tax: '0.00',
    total_shipping_price_set: {
      shop_money: { amount: decimal(SHIPPING_PER_ORDER), currency_code: currency },
    },
    total_price: decimal(subtotal + SHIPPING_PER_ORDER),
    line_items: lineItems,
    shipping_lines: [
      {
        id: id + 1,
        code: 'Standard',
        title: 'Standard',
        price: decimal(SHIPPING_PER_ORDER),
        source: 'shopify',
      },
    ],
    customer: customerOf(basket.buyer),
    shipping_address: address,
    billing_address: address,
  };
}
