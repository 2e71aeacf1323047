/**
 * Order arithmetic on decimal text, through integer cents (BigInt), so "0.10" + "0.20" is "0.30"
 * and no amount ever goes through a float. Amounts are those the command allows: non-negative,
 * at most two places.
 */
import type { ErpOrderCommand } from './erp-order-command.ts';

/** The most an amount may be: what numeric(12,2) holds. */
export const maxAmountCents = 999_999_999_999n;

export function toCents(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
}

export function fromCents(cents: bigint): string {
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, '0');
  return `${whole}.${fraction}`;
}

/** Quantity times unit price, summed over the lines. */
export function linesTotalCents(command: Pick<ErpOrderCommand, 'lines'>): bigint {
  return command.lines.reduce((sum, line) => sum + BigInt(line.quantity) * toCents(line.unitPrice), 0n);
}

/** What the buyer pays: the lines plus shipping, as "123.45". */
export const orderTotal = (command: Pick<ErpOrderCommand, 'lines' | 'shippingAmount'>): string =>
  fromCents(linesTotalCents(command) + toCents(command.shippingAmount));
