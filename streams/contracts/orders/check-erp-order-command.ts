/**
 * Checks that a value is a well-formed ERP order command before anyone acts on it: the orders
 * processor before it sends one, the ERP order sink before it writes one. Pure. Every problem is
 * reported at once, and `message` is the sentence an operator reads:
 * "order 100000123 from webshop: line 2 has quantity 0".
 *
 * The limits are what an ERP interchange table can be expected to hold (the sample ERP's columns
 * are exactly this wide), so a command that passes is never cut short by the database.
 */
import {
  erpOrderCommandKinds,
  type ErpOrderCommand,
  type ErpOrderCommandKind,
  type ErpOrderLine,
  type OrderAddress,
  type OrderBuyer,
} from './erp-order-command.ts';
import { linesTotalCents, maxAmountCents, toCents } from './order-amounts.ts';

export const erpOrderLimits = {
  channel: 32,
  channelOrderId: 64,
  channelVersion: 64,
  code: 32,
  name: 255,
  email: 255,
  phone: 32,
  streetLine: 128,
  streetLines: 3,
  postcode: 16,
  city: 128,
  region: 64,
  sku: 64,
  warehouse: 16,
  lines: 500,
  quantity: 1_000_000,
  cancelReason: 255,
} as const;

/** A non-negative decimal with at most 2 places that fits numeric(12,2): "0", "19.9", "1299.00". */
const moneyPattern = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

export type ErpOrderCommandCheck =
  | { readonly ok: true; readonly command: ErpOrderCommand }
  | { readonly ok: false; readonly problems: readonly string[]; readonly message: string };

type Fields = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const controlCharacter = /[\u0000-\u001f\u007f]/;

/** Collects problems while reading fields, so one pass reports all of them. */
class Reader {
  readonly problems: string[] = [];

  text(value: unknown, what: string, max: number, options: { empty?: boolean } = {}): string {
    if (typeof value !== 'string') {
      this.problems.push(`${what} is missing`);
      return '';
    }
    if (value.trim() === '' && !options.empty) this.problems.push(`${what} is empty`);
    else if (value.length > max) this.problems.push(`${what} is longer than ${max} characters`);
    else if (controlCharacter.test(value)) this.problems.push(`${what} holds a control character`);
    return value;
  }

  optionalText(value: unknown, what: string, max: number): string | null {
    if (value === null || value === undefined) return null;
    return this.text(value, what, max);
  }

  time(value: unknown, what: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      this.problems.push(`${what} is not a time in epoch milliseconds`);
      return 0;
    }
    return value;
  }

  money(value: unknown, what: string): string {
    if (typeof value !== 'string' || !moneyPattern.test(value)) {
      this.problems.push(`${what} ${JSON.stringify(value)} is not an amount like "19.90"`);
      return '0';
    }
    return value;
  }

  pattern(value: unknown, what: string, pattern: RegExp, expected: string): string {
    if (typeof value !== 'string' || !pattern.test(value)) {
      this.problems.push(`${what} ${JSON.stringify(value)} is not ${expected}`);
      return '';
    }
    return value;
  }
}

function readBuyer(read: Reader, value: unknown): OrderBuyer {
  if (!isRecord(value)) {
    read.problems.push('the buyer is missing');
    return { customerCode: null, name: '', email: '', phone: null };
  }
  const email = read.text(value.email, "the buyer's email", erpOrderLimits.email);
  if (email !== '' && !/^[^@\s]+@[^@\s]+$/.test(email)) {
    read.problems.push(`the buyer's email ${JSON.stringify(email)} is not an address`);
  }
  return {
    customerCode: read.optionalText(value.customerCode, "the buyer's customer code", erpOrderLimits.code),
    name: read.text(value.name, "the buyer's name", erpOrderLimits.name),
    email,
    phone: read.optionalText(value.phone, "the buyer's phone", erpOrderLimits.phone),
  };
}

function readAddress(read: Reader, value: unknown, what: string): OrderAddress {
  if (!isRecord(value)) {
    read.problems.push(`the ${what} is missing`);
    return {
      name: '',
      company: null,
      street: [],
      postcode: '',
      city: '',
      region: null,
      country: '',
      phone: null,
    };
  }
  let street: string[] = [];
  if (!Array.isArray(value.street) || value.street.length === 0) {
    read.problems.push(`the ${what} has no street`);
  } else if (value.street.length > erpOrderLimits.streetLines) {
    read.problems.push(`the ${what} has more than ${erpOrderLimits.streetLines} street lines`);
  } else {
    street = value.street.map((line: unknown, i) =>
      read.text(line, `street line ${i + 1} of the ${what}`, erpOrderLimits.streetLine),
    );
  }
  return {
    name: read.text(value.name, `the name in the ${what}`, erpOrderLimits.name),
    company: read.optionalText(value.company, `the company in the ${what}`, erpOrderLimits.name),
    street,
    postcode: read.text(value.postcode, `the postcode of the ${what}`, erpOrderLimits.postcode, {
      empty: true,
    }),
    city: read.text(value.city, `the city of the ${what}`, erpOrderLimits.city),
    region: read.optionalText(value.region, `the region of the ${what}`, erpOrderLimits.region),
    country: read.pattern(
      value.country,
      `the country of the ${what}`,
      /^[A-Z]{2}$/,
      'an ISO 3166 country code',
    ),
    phone: read.optionalText(value.phone, `the phone in the ${what}`, erpOrderLimits.phone),
  };
}

function readLine(read: Reader, value: unknown, at: number): ErpOrderLine {
  const what = `line ${at}`;
  if (!isRecord(value)) {
    read.problems.push(`${what} is not a line`);
    return { lineNo: at, channelLineId: '', sku: '', quantity: 0, unitPrice: '0', warehouse: '' };
  }
  const { quantity } = value;
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) {
    read.problems.push(`${what} has quantity ${JSON.stringify(quantity)}`);
  } else if (quantity > erpOrderLimits.quantity) {
    read.problems.push(`${what} has quantity ${quantity}, more than ${erpOrderLimits.quantity}`);
  }
  if (value.lineNo !== at) read.problems.push(`${what} is numbered ${JSON.stringify(value.lineNo)}`);
  return {
    lineNo: at,
    channelLineId: read.text(
      value.channelLineId,
      `the channel's id of ${what}`,
      erpOrderLimits.channelOrderId,
    ),
    sku: read.text(value.sku, `the SKU of ${what}`, erpOrderLimits.sku),
    quantity: typeof quantity === 'number' ? quantity : 0,
    unitPrice: read.money(value.unitPrice, `the unit price of ${what}`),
    warehouse: read.text(value.warehouse, `the warehouse of ${what}`, erpOrderLimits.warehouse),
  };
}

function readLines(read: Reader, value: unknown): ErpOrderLine[] {
  if (!Array.isArray(value) || value.length === 0) {
    read.problems.push('the order has no lines');
    return [];
  }
  if (value.length > erpOrderLimits.lines) {
    read.problems.push(`the order has ${value.length} lines, more than ${erpOrderLimits.lines}`);
    return [];
  }
  const lines = value.map((line: unknown, i) => readLine(read, line, i + 1));
  const seen = new Set<string>();
  for (const line of lines) {
    if (line.channelLineId !== '' && seen.has(line.channelLineId)) {
      read.problems.push(`the channel's line id ${JSON.stringify(line.channelLineId)} appears twice`);
    }
    seen.add(line.channelLineId);
  }
  return lines;
}

/** The order's identity as far as it can be read, for the sentence. */
function labelOf(value: unknown): string {
  const fields = isRecord(value) ? value : {};
  const id =
    typeof fields.channelOrderId === 'string' && fields.channelOrderId !== '' ? fields.channelOrderId : '?';
  const channel =
    typeof fields.channel === 'string' && fields.channel !== '' ? fields.channel : 'an unnamed channel';
  return `order ${id} from ${channel}`;
}

export function checkErpOrderCommand(value: unknown): ErpOrderCommandCheck {
  if (!isRecord(value)) {
    const problems = ['the command is not an object'];
    return { ok: false, problems, message: `${labelOf(value)}: ${problems[0]}` };
  }
  const read = new Reader();
  const kind = value.kind as ErpOrderCommandKind;
  if (!erpOrderCommandKinds.includes(kind)) {
    read.problems.push(`kind ${JSON.stringify(value.kind)} is not one of ${erpOrderCommandKinds.join(', ')}`);
  }
  const command: ErpOrderCommand = {
    kind,
    channel: read.text(value.channel, 'the channel', erpOrderLimits.channel),
    channelOrderId: read.text(value.channelOrderId, "the channel's order id", erpOrderLimits.channelOrderId),
    channelVersion: read.text(
      value.channelVersion,
      "the channel's order version",
      erpOrderLimits.channelVersion,
    ),
    channelUpdatedAtMs: read.time(value.channelUpdatedAtMs, "the channel's update time"),
    orderedAtMs: read.time(value.orderedAtMs, 'the order time'),
    buyer: readBuyer(read, value.buyer),
    billingAddress: readAddress(read, value.billingAddress, 'billing address'),
    shippingAddress: readAddress(read, value.shippingAddress, 'shipping address'),
    currency: read.pattern(value.currency, 'the currency', /^[A-Z]{3}$/, 'an ISO 4217 code'),
    paymentCode: read.text(value.paymentCode, 'the payment code', erpOrderLimits.code),
    shippingCode: read.text(value.shippingCode, 'the shipping code', erpOrderLimits.code),
    shippingAmount: read.money(value.shippingAmount, 'the shipping amount'),
    lines: readLines(read, value.lines),
    cancelReason: read.optionalText(value.cancelReason, 'the cancel reason', erpOrderLimits.cancelReason),
  };
  if (
    read.problems.length === 0 &&
    linesTotalCents(command) + toCents(command.shippingAmount) > maxAmountCents
  ) {
    read.problems.push('the order total is larger than 9999999999.99');
  }
  if (read.problems.length > 0) {
    return { ok: false, problems: read.problems, message: `${labelOf(value)}: ${read.problems.join('; ')}` };
  }
  return { ok: true, command };
}
