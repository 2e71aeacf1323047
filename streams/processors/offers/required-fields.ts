/**
 * A product lacking a field its channel requires is parked, with a sentence an operator acts on
 * (ARCHITECTURE invariant 3): "product ABC-1 has no EAN, which channel marketplace requires". It
 * flows again as soon as the ERP fills the field, because the next change of the SKU is decided
 * afresh.
 */
import type { Price, Product } from '../../contracts/canonical.ts';
import type { ChannelConfig, RequiredField } from './channel-config.ts';

/** Null, empty and blank text are all "no value": a channel rejects an empty EAN like a missing one. */
const blank = (value: string | null): boolean => value === null || value.trim() === '';

/**
 * The required fields the product lacks, in the channel's order; empty when none. `price` means a
 * price in the channel's price list.
 */
export function missingFields(
  channel: Pick<ChannelConfig, 'requiredFields'>,
  product: Product,
  price: Price | null,
): RequiredField[] {
  return channel.requiredFields.filter((field) => {
    switch (field) {
      case 'price':
        return price === null;
      case 'name':
        return blank(product.name);
      default:
        return blank(product[field]);
    }
  });
}

const labels: Record<Exclude<RequiredField, 'price'>, string> = {
  ean: 'EAN',
  brand: 'brand',
  category: 'category',
  description: 'description',
  name: 'name',
};

function listed(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
}

/** "product ABC-1 has no EAN and no brand, which channel marketplace requires". */
export function missingFieldsSentence(
  sku: string,
  channel: Pick<ChannelConfig, 'id' | 'priceList'>,
  fields: readonly RequiredField[],
): string {
  const what = fields.map((field) =>
    field === 'price' ? `no price in price list ${channel.priceList}` : `no ${labels[field]}`,
  );
  return `product ${sku} has ${listed(what)}, which channel ${channel.id} requires`;
}
