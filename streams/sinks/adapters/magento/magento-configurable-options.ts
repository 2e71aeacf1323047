/**
 * What a shopper picks a variant by. Magento tells a configurable's children apart by dropdown
 * attributes (color, size): the parent names them in `configurable_product_options` by attribute
 * id, and each child holds the option id of its value. Without them Magento refuses a parent with
 * two or more children ("Products "%1" and "%2" have the same set of attribute values.",
 * ConfigurableProduct/Model/Plugin/ProductRepositorySave.php). The ids are Magento's, so they are
 * read from `GET /V1/products/attributes/{code}` (`{attribute_id, default_frontend_label,
 * options:[{label,value}]}`; AdobeDocs configurable-product tutorial, step "define options"),
 * cached, and read again once when a value is not among them (a merchant may have added it).
 * A value Magento has no option for rejects the family (UNKNOWN_OPTION): options are catalog
 * design, which this adapter does not change.
 */
import type { ChannelHttp } from '../../channel-adapter.ts';
import type { OfferVariant } from '../../../contracts/channel-offer.ts';
import { unexpectedAnswer } from './magento-call-failure.ts';
import type { ConfigurableOption, CustomAttribute } from './magento-product-payload.ts';
import type { MagentoRest } from './magento-rest.ts';

interface DropdownAttribute {
  readonly id: string;
  readonly label: string;
  /** Option label -> option id. */
  readonly options: ReadonlyMap<string, string>;
}

export type VariantOptions =
  | {
      readonly kind: 'ok';
      readonly options: readonly ConfigurableOption[];
      /** Per variant (same order): its option ids as custom attributes. */
      readonly attributes: readonly (readonly CustomAttribute[])[];
    }
  | { readonly kind: 'rejected'; readonly channelError: string; readonly code: string };

function dropdown(json: unknown, code: string): DropdownAttribute | undefined {
  const body = json as { attribute_id?: unknown; default_frontend_label?: unknown; options?: unknown } | null;
  if (body === null || typeof body !== 'object') return undefined;
  const id = body.attribute_id;
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  const options = new Map<string, string>();
  for (const option of Array.isArray(body.options) ? (body.options as unknown[]) : []) {
    const { label, value } = (option ?? {}) as { label?: unknown; value?: unknown };
    if (
      typeof label === 'string' &&
      (typeof value === 'string' || typeof value === 'number') &&
      value !== ''
    ) {
      options.set(label.trim(), String(value));
    }
  }
  const label = typeof body.default_frontend_label === 'string' ? body.default_frontend_label : code;
  return { id: String(id), label, options };
}

export interface ConfigurableOptionsReader {
  /** `mapping`: variant attribute name -> Magento attribute code. */
  forVariants(http: ChannelHttp, variants: readonly OfferVariant[]): Promise<VariantOptions>;
}

export function configurableOptionsReader(
  rest: MagentoRest,
  mapping: Readonly<Record<string, string>>,
): ConfigurableOptionsReader {
  const cache = new Map<string, DropdownAttribute>();

  async function read(http: ChannelHttp, code: string): Promise<DropdownAttribute | undefined> {
    const what = `GET attribute ${code}`;
    const response = await rest.send(http, {
      method: 'GET',
      path: `/V1/products/attributes/${encodeURIComponent(code)}`,
      items: 0,
      what,
    });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw unexpectedAnswer(what, response);
    const attribute = dropdown(response.json, code);
    if (attribute) cache.set(code, attribute);
    return attribute;
  }

  return {
    async forVariants(http, variants) {
      const options: ConfigurableOption[] = [];
      const refreshed = new Set<string>();
      const attributes: CustomAttribute[][] = variants.map(() => []);
      for (const [name, code] of Object.entries(mapping)) {
        if (!variants.some((variant) => Object.hasOwn(variant.attributes, name))) continue;
        let attribute = cache.get(code);
        if (attribute === undefined) {
          refreshed.add(code);
          attribute = await read(http, code);
        }
        if (attribute === undefined) {
          const channelError = `Magento has no attribute "${code}" (configurable attribute for "${name}")`;
          return { kind: 'rejected', channelError, code: 'UNKNOWN_ATTRIBUTE' };
        }
        const values = new Set<string>();
        for (const [index, variant] of variants.entries()) {
          const label = variant.attributes[name]?.trim();
          if (label === undefined || label === '') {
            const channelError = `variant ${variant.sku} has no "${name}", which tells the family's variants apart`;
            return { kind: 'rejected', channelError, code: 'MISSING_ATTRIBUTE' };
          }
          if (!attribute.options.has(label) && !refreshed.has(code)) {
            refreshed.add(code);
            attribute = (await read(http, code)) ?? attribute;
          }
          const value = attribute.options.get(label);
          if (value === undefined) {
            const channelError = `Magento attribute "${code}" has no option "${label}" (variant ${variant.sku})`;
            return { kind: 'rejected', channelError, code: 'UNKNOWN_OPTION' };
          }
          values.add(value);
          attributes[index]?.push({ attribute_code: code, value });
        }
        options.push({
          attribute_id: attribute.id,
          label: attribute.label,
          position: options.length,
          values: [...values].map((value) => ({ value_index: Number(value) })),
        });
      }
      return { kind: 'ok', options, attributes };
    },
  };
}
