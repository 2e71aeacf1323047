/**
 * Offers as Magento request bodies (shared/notes/CHANNEL-APIS.md §1 "Products", "Inventory";
 * AdobeDocs `rest/tutorials/configurable-product/create-simple-products.md`). Pure: no I/O.
 *
 *   - A flat offer (no variants) is one `simple` product, visible in catalog and search (4).
 *   - A grouped offer with variants is one `simple` product per variant, "not visible
 *     individually" (1) as Magento's configurable tutorial makes them, and the parent as a
 *     `configurable` (4) whose `configurable_product_links` are the variants' entity ids, which
 *     only the variants' save responses know (see magento-family.ts).
 *   - A delist is `{"sku","status":2}`: disabled, not deleted, so it is idempotent, reversible and
 *     keeps the product's orders, reviews and URL in Magento.
 *
 * Quantities do not travel in the product: MSI source items set them per source (absolute
 * quantities, so a repeat is harmless). A configurable has no stock of its own in MSI, so a
 * grouped offer's stock is its variants'.
 */
import type { Offer, OfferVariant } from '../../../contracts/channel-offer.ts';
import type { MagentoSettings, MappedOfferField } from './magento-settings.ts';

/** catalog_product status (Catalog/Model/Product/Attribute/Source/Status.php). */
export const ProductStatus = { Enabled: 1, Disabled: 2 } as const;
export type ProductStatus = (typeof ProductStatus)[keyof typeof ProductStatus];

/** catalog_product visibility (Catalog/Model/Product/Visibility.php). */
export const Visibility = { NotVisibleIndividually: 1, CatalogSearch: 4 } as const;
export type Visibility = (typeof Visibility)[keyof typeof Visibility];

export interface CustomAttribute {
  readonly attribute_code: string;
  readonly value: string;
}

export interface ConfigurableOption {
  readonly attribute_id: string;
  readonly label: string;
  readonly position: number;
  readonly values: readonly { readonly value_index: number }[];
}

export interface MagentoProduct {
  readonly sku: string;
  readonly name?: string;
  readonly price?: number;
  readonly status: ProductStatus;
  readonly visibility?: Visibility;
  readonly type_id?: 'simple' | 'configurable';
  readonly attribute_set_id?: number;
  readonly custom_attributes?: readonly CustomAttribute[];
  readonly extension_attributes?: {
    readonly website_ids?: readonly number[];
    readonly configurable_product_links?: readonly number[];
    readonly configurable_product_options?: readonly ConfigurableOption[];
  };
}

/** The body of `PUT /V1/products/{sku}`, and one element of the async bulk `POST /V1/products`. */
export interface ProductRequest {
  readonly product: MagentoProduct;
}

/** One element of `POST /V1/inventory/source-items`'s `sourceItems`. */
export interface SourceItem {
  readonly sku: string;
  readonly source_code: string;
  readonly quantity: number;
  /** 1 in stock, 0 out of stock. */
  readonly status: 0 | 1;
}

/** An offer this adapter cannot express in Magento's terms: the record is rejected, not sent. */
export class UnsendableOffer extends Error {
  override readonly name = 'UnsendableOffer';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A decimal amount as the JSON number Magento's API takes (`price` is a float in
 * ProductInterface). The text becomes a number only here, at the edge: a decimal of at most 15
 * significant digits converts to the double nearest to it, whose shortest text (what
 * JSON.stringify writes) is that decimal again, so "19.90" goes out as 19.9, exactly.
 */
export function magentoPrice(amount: string): number {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!match) throw new UnsendableOffer('INVALID_PRICE', `price "${amount}" is not a non-negative decimal`);
  const digits = `${match[1] ?? ''}${match[2] ?? ''}`.replace(/^0+/, '');
  if (digits.replace(/0+$/, '').length > 15) {
    throw new UnsendableOffer('INVALID_PRICE', `price "${amount}" has more digits than a JSON number keeps`);
  }
  return Number(amount);
}

function offerFact(offer: Offer, field: MappedOfferField): string | null {
  return offer[field];
}

/**
 * Mapped facts, then the offer's `fields` by their own names (a field wins over a mapped fact of
 * the same code: it is the channel's explicit choice). A value the product lacks is sent as "",
 * which clears the attribute, as the admin form does: the channel must not keep a stale value.
 */
function customAttributes(
  facts: (field: MappedOfferField) => string | null,
  fields: Readonly<Record<string, string | null>>,
  settings: Pick<MagentoSettings, 'attributeMapping'>,
): CustomAttribute[] {
  const values = new Map<string, string>();
  for (const [field, code] of Object.entries(settings.attributeMapping) as [MappedOfferField, string][]) {
    values.set(code, facts(field) ?? '');
  }
  for (const [name, value] of Object.entries(fields)) values.set(name, value ?? '');
  return [...values].map(([attribute_code, value]) => ({ attribute_code, value }));
}

type ProductSettings = Pick<MagentoSettings, 'attributeMapping' | 'attributeSetId' | 'websiteIds'>;

/** A flat offer (or a family without variants) as a simple product. */
export function simpleProduct(offer: Offer, settings: ProductSettings): ProductRequest {
  return {
    product: {
      sku: offer.sku,
      name: offer.name,
      price: magentoPrice(offer.price.amount),
      status: ProductStatus.Enabled,
      visibility: Visibility.CatalogSearch,
      type_id: 'simple',
      attribute_set_id: settings.attributeSetId,
      custom_attributes: customAttributes((field) => offerFact(offer, field), offer.fields, settings),
      extension_attributes: { website_ids: settings.websiteIds },
    },
  };
}

/**
 * A variant of a grouped offer as a simple child: its own name, EAN, price and fields; the
 * family's brand, category and description (the parent decides them, offer.ts); `parentSku` is
 * the family's. `extra` carries the configurable attributes' option ids (magento-family.ts).
 */
export function variantProduct(
  variant: OfferVariant,
  family: Offer,
  settings: ProductSettings,
  extra: readonly CustomAttribute[] = [],
): ProductRequest {
  const facts = (field: MappedOfferField): string | null => {
    if (field === 'ean') return variant.ean;
    if (field === 'parentSku') return family.sku;
    return offerFact(family, field);
  };
  const attributes = customAttributes(facts, variant.fields, settings).filter(
    (attribute) => !extra.some((own) => own.attribute_code === attribute.attribute_code),
  );
  return {
    product: {
      sku: variant.sku,
      name: variant.name,
      price: magentoPrice(variant.price.amount),
      status: ProductStatus.Enabled,
      visibility: Visibility.NotVisibleIndividually,
      type_id: 'simple',
      attribute_set_id: settings.attributeSetId,
      custom_attributes: [...attributes, ...extra],
      extension_attributes: { website_ids: settings.websiteIds },
    },
  };
}

/**
 * The family's parent as a configurable linking its variants by entity id. `links` replaces the
 * product's set, so a variant that left the family is unlinked. The price is sent for
 * completeness; the storefront prices a configurable from its children.
 */
export function configurableProduct(
  offer: Offer,
  links: readonly number[],
  options: readonly ConfigurableOption[],
  settings: ProductSettings,
): ProductRequest {
  return {
    product: {
      sku: offer.sku,
      name: offer.name,
      price: magentoPrice(offer.price.amount),
      status: ProductStatus.Enabled,
      visibility: Visibility.CatalogSearch,
      type_id: 'configurable',
      attribute_set_id: settings.attributeSetId,
      custom_attributes: customAttributes((field) => offerFact(offer, field), offer.fields, settings),
      extension_attributes: {
        website_ids: settings.websiteIds,
        configurable_product_links: links,
        ...(options.length > 0 ? { configurable_product_options: options } : {}),
      },
    },
  };
}

/** Disable, keep everything else: Magento keeps omitted fields on save (ProductRepository::save). */
export function delistProduct(sku: string): ProductRequest {
  return { product: { sku, status: ProductStatus.Disabled } };
}

export function sourceItem(
  sku: string,
  quantity: number,
  settings: Pick<MagentoSettings, 'sourceCode'>,
): SourceItem {
  const units = Math.max(0, quantity);
  return { sku, source_code: settings.sourceCode, quantity: units, status: units > 0 ? 1 : 0 };
}

/** The source items an upserted offer needs: its own, or its variants' for a family. */
export function offerSourceItems(offer: Offer, settings: Pick<MagentoSettings, 'sourceCode'>): SourceItem[] {
  if (offer.variants.length === 0) return [sourceItem(offer.sku, offer.quantity, settings)];
  return offer.variants.map((variant) => sourceItem(variant.sku, variant.quantity, settings));
}
