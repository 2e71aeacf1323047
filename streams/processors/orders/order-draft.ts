/**
 * A channel order checked and mapped to the ERP's terms, before routing: everything an ERP order
 * command holds except the kind and each line's warehouse. Pure. What can be said of an order
 * from the order and the channel's config alone is said here (currency, quantities, prices,
 * buyer, addresses, SKU, customer, payment and shipping codes); whether its SKUs are known to the
 * ERP and where they are in stock is learnt from the catalog state (order-lines.ts, route-order.ts).
 *
 * Every problem is reported at once, each with a stable code and its clause of the operator's
 * sentence: "order 100000123 from webshop: it is in USD, but webshop sells in EUR; line 2 (SKU X)
 * has quantity 0".
 */
import type {
  ChannelAddress,
  ChannelOrder,
  ErpOrderCommand,
  OrderAddress,
} from '../../contracts/orders/index.ts';
import type { OrderChannelConfig } from './orders-config.ts';

export type OrderProblemCode =
  | 'WRONG_CURRENCY'
  | 'NO_LINES'
  | 'BAD_QUANTITY'
  | 'BAD_PRICE'
  | 'NO_BUYER'
  | 'NO_ADDRESS'
  | 'UNMAPPED_PAYMENT'
  | 'UNMAPPED_SHIPPING'
  | 'UNKNOWN_SKU'
  | 'NO_WAREHOUSE'
  | 'NOT_IN_STOCK'
  | 'INVALID_COMMAND'
  | 'NO_ORDER_RULES'
  | 'NOT_AN_ORDER';

export interface OrderProblem {
  readonly code: OrderProblemCode;
  /** A clause of the operator's sentence, after "order X from Y: ". */
  readonly text: string;
}

export interface DraftLine {
  readonly lineNo: number;
  readonly channelLineId: string;
  /** The ERP's SKU. */
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: string;
}

/** The command without its kind, and lines without their warehouse. */
export type OrderDraft = Omit<ErpOrderCommand, 'kind' | 'lines'> & { readonly lines: readonly DraftLine[] };

export type DraftResult =
  | { readonly ok: true; readonly draft: OrderDraft }
  | { readonly ok: false; readonly problems: readonly OrderProblem[] };

/** A non-negative decimal with at most 2 places, as the ERP command takes it. */
const moneyPattern = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

const fullName = (first: string, last: string): string => `${first} ${last}`.trim();

function erpAddress(address: ChannelAddress): OrderAddress {
  return {
    name: fullName(address.firstName, address.lastName),
    company: address.company,
    street: address.street,
    postcode: address.postcode,
    city: address.city,
    region: null,
    country: address.countryCode,
    phone: address.phone,
  };
}

/** The ERP's SKU of a channel SKU: mapped when the config says so, the same otherwise. */
export const erpSkuOf = (config: OrderChannelConfig, channelSku: string): string =>
  config.skus[channelSku] ?? channelSku;

function checkLines(order: ChannelOrder, config: OrderChannelConfig): OrderProblem[] {
  if (order.lines.length === 0) return [{ code: 'NO_LINES', text: 'it has no lines' }];
  const problems: OrderProblem[] = [];
  order.lines.forEach((line, i) => {
    const what = `line ${i + 1} (SKU ${line.sku})`;
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      problems.push({
        code: 'BAD_QUANTITY',
        text: `${what} has quantity ${line.quantity}; a quantity is a whole number of at least 1`,
      });
    }
    if (!moneyPattern.test(line.unitPrice)) {
      problems.push({
        code: 'BAD_PRICE',
        text: `${what} has the unit price ${JSON.stringify(line.unitPrice)}, not an amount like "19.90"`,
      });
    }
    if (erpSkuOf(config, line.sku).trim() === '') {
      problems.push({ code: 'UNKNOWN_SKU', text: `${what} names no SKU` });
    }
  });
  return problems;
}

function checkParties(order: ChannelOrder): OrderProblem[] {
  const problems: OrderProblem[] = [];
  if (order.buyer.email.trim() === '')
    problems.push({ code: 'NO_BUYER', text: 'the buyer has no e-mail address' });
  if (fullName(order.buyer.firstName, order.buyer.lastName) === '')
    problems.push({ code: 'NO_BUYER', text: 'the buyer has no name' });
  for (const [address, what] of [
    [order.billingAddress, 'billing'],
    [order.shippingAddress, 'shipping'],
  ] as const) {
    if (address === null) problems.push({ code: 'NO_ADDRESS', text: `it has no ${what} address` });
    else if (address.street.length === 0 || address.city.trim() === '' || address.countryCode === '')
      problems.push({ code: 'NO_ADDRESS', text: `its ${what} address lacks a street, city or country` });
  }
  return problems;
}

function mapped(
  codes: Readonly<Record<string, string>>,
  channelCode: string | null,
  what: 'payment' | 'shipping',
  channel: string,
): string | OrderProblem {
  // `*` is the channel's code for any method not listed, and for an order that names none.
  const code = (channelCode === null ? undefined : codes[channelCode]) ?? codes['*'];
  if (code !== undefined) return code;
  return {
    code: what === 'payment' ? 'UNMAPPED_PAYMENT' : 'UNMAPPED_SHIPPING',
    text:
      channelCode === null
        ? `it names no ${what} method`
        : `${what} method ${channelCode} has no ERP code in orders.channels (${channel}).${what}`,
  };
}

/** Checks and maps one channel order; the channel's config decides currency, SKUs and codes. */
export function draftOrder(order: ChannelOrder, config: OrderChannelConfig): DraftResult {
  const problems: OrderProblem[] = [];
  if (order.currency !== config.currency) {
    problems.push({
      code: 'WRONG_CURRENCY',
      text: `it is in ${order.currency}, but ${config.channel} sells in ${config.currency}`,
    });
  }
  problems.push(...checkLines(order, config), ...checkParties(order));
  const payment = mapped(config.payment, order.paymentMethod, 'payment', config.channel);
  const shipping = mapped(config.shipping, order.shippingMethod, 'shipping', config.channel);
  if (typeof payment !== 'string') problems.push(payment);
  if (typeof shipping !== 'string') problems.push(shipping);
  if (problems.length > 0 || typeof payment !== 'string' || typeof shipping !== 'string')
    return { ok: false, problems };
  const customerCode =
    order.buyer.customerId === null ? null : (config.customers[order.buyer.customerId] ?? null);
  return {
    ok: true,
    draft: {
      channel: order.channelId,
      channelOrderId: order.channelOrderId,
      channelVersion: `${order.version.updatedAt}#${order.version.sequence}`,
      channelUpdatedAtMs: order.version.updatedAtMs,
      orderedAtMs: order.placedAtMs,
      buyer: {
        customerCode,
        name: fullName(order.buyer.firstName, order.buyer.lastName),
        email: order.buyer.email,
        phone: order.billingAddress?.phone ?? null,
      },
      billingAddress: erpAddress(order.billingAddress!),
      shippingAddress: erpAddress(order.shippingAddress!),
      currency: order.currency,
      paymentCode: payment,
      shippingCode: shipping,
      // The normalised channel order carries no shipping charge yet; the ERP prices shipping by
      // its code until it does.
      shippingAmount: '0',
      lines: order.lines.map((line, i) => ({
        lineNo: i + 1,
        channelLineId: line.lineId,
        sku: erpSkuOf(config, line.sku),
        quantity: line.quantity,
        unitPrice: line.unitPrice,
      })),
      cancelReason: order.cancelled ? `cancelled at ${order.channelId} (${order.channelStatus})` : null,
    },
  };
}
