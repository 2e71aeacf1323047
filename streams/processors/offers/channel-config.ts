/**
 * What a sales channel wants from the catalogue: configuration, one entry of the YAML config's
 * `channels:` list, so a new channel of a known kind is a config entry, not code. The JSON Schema
 * below is embedded there (defaults filled in by ajv's `useDefaults`), and `checkChannels` adds the
 * rules a schema cannot state.
 *
 * Example:
 *
 *   channels:
 *     - id: marketplace              # topic channel.marketplace.offer.v1
 *       kind: allegro
 *       priceList: MKT-EUR
 *       currency: EUR                # a price in another currency is parked, not sent
 *       warehouses: [WH-3PL]
 *       safetyStock: 5
 *       requiredFields: [ean, brand]
 *       filters: { activeOnly: true, categories: [Electronics], excludeSkus: [SKU-000013] }
 *       fieldMapping: { gtin: ean, colour: attributes.color }
 *       variants: flat
 */
import type { SourceConfig } from '../ingest/source-config.ts';
import { offerTopicOf } from '../../contracts/topics.ts';

export type ChannelKind = 'magento' | 'shopify' | 'allegro' | 'generic';

/** The product facts a channel may insist on; a product lacking one is parked for that channel. */
export type RequiredField = 'ean' | 'brand' | 'category' | 'description' | 'price' | 'name';

/** Canonical product fields a `fieldMapping` entry may read, besides `attributes.<name>`. */
export const mappableFields = [
  'sku',
  'parentSku',
  'name',
  'description',
  'ean',
  'brand',
  'category',
] as const;
export type MappableField = (typeof mappableFields)[number];

export interface ChannelFilters {
  /** Offer active products only (default true): an inactive one becomes a tombstone. */
  readonly activeOnly: boolean;
  /**
   * Allow list of categories; absent = all. An entry also admits its subcategories: `Home` admits
   * `Home > Kitchen` (the ERP's category paths are joined with ` > `).
   */
  readonly categories?: readonly string[];
  /** Allow list of brands, compared exactly; absent = all. */
  readonly brands?: readonly string[];
  /** SKUs never offered on this channel (a parent here excludes its whole family in grouped mode). */
  readonly excludeSkus: readonly string[];
}

export interface ChannelConfig {
  /** Lowercase id, in the topic name `channel.<id>.offer.v1` and in every park sentence. */
  readonly id: string;
  /** Which sink adapter delivers the topic; the offers processor treats every kind alike. */
  readonly kind: ChannelKind;
  /** The price list whose price the channel sells at; no price there = no offer. */
  readonly priceList: string;
  /** When set, a price of that list in another currency is parked instead of offered. */
  readonly currency?: string;
  /** The warehouses whose stock the channel sells, in no particular order. */
  readonly warehouses: readonly string[];
  /** Units held back from the channel's available quantity (default 0). */
  readonly safetyStock: number;
  readonly requiredFields: readonly RequiredField[];
  readonly filters: ChannelFilters;
  /** Output field name -> canonical field (`ean`) or attribute (`attributes.color`); see field-mapping.ts. */
  readonly fieldMapping: Readonly<Record<string, string>>;
  /**
   * `flat` (default): one offer per SKU, a variant's carries its `parentSku`. `grouped`: a family is
   * one offer keyed by the parent SKU with its variants inside; see variants.ts for what that needs.
   */
  readonly variants: 'grouped' | 'flat';
}

/** What the offers functions need of the one config file. */
export interface OffersConfig {
  readonly channels: readonly ChannelConfig[];
}

const code = { type: 'string', minLength: 1 } as const;
const codeList = { type: 'array', minItems: 1, uniqueItems: true, items: code } as const;
const requiredFieldNames: readonly RequiredField[] = [
  'ean',
  'brand',
  'category',
  'description',
  'price',
  'name',
];

/** `ean`, `attributes.color`: what a field mapping may read. */
export const mappingSourcePattern = `^(${mappableFields.join('|')}|attributes\\.[^.\\s]+)$`;

/**
 * The JSON Schema of the config's `channels:` list. Cross-field rules (unique ids) are
 * `checkChannels`'s, so each error still names its key.
 */
export const channelsJsonSchema = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'kind', 'priceList', 'warehouses'],
    properties: {
      // A topic name is at most 249 characters; `channel.` + `.offer.v1` take 17 of them.
      id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 200 },
      kind: { enum: ['magento', 'shopify', 'allegro', 'generic'] },
      priceList: code,
      currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' },
      warehouses: codeList,
      safetyStock: { type: 'integer', minimum: 0, default: 0 },
      requiredFields: {
        type: 'array',
        uniqueItems: true,
        items: { enum: requiredFieldNames },
        default: [],
      },
      filters: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          activeOnly: { type: 'boolean', default: true },
          categories: codeList,
          brands: codeList,
          excludeSkus: {
            type: 'array',
            uniqueItems: true,
            // Surrounding spaces would never match a SKU.
            items: { type: 'string', pattern: '^\\S(.*\\S)?$' },
            default: [],
          },
        },
      },
      fieldMapping: {
        type: 'object',
        description: 'output field name -> canonical field or attributes.<name>',
        default: {},
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        additionalProperties: { type: 'string', pattern: mappingSourcePattern },
      },
      variants: { enum: ['grouped', 'flat'], default: 'flat' },
    },
  },
} as const;

/**
 * The warehouses and price lists some source owns, when the sources say (ARCHITECTURE: each source
 * declares what it owns). `null` = a source owns them all, so nothing can be checked.
 */
function ownedBy(sources: readonly SourceConfig[], entity: 'stock' | 'price'): Set<string> | null {
  const owned = new Set<string>();
  for (const { owns } of sources) {
    if (!owns.entities.includes(entity)) continue;
    const codes = entity === 'stock' ? owns.warehouses : owns.priceLists;
    if (codes === undefined) return null;
    for (const code of codes) owned.add(code);
  }
  return owned;
}

/**
 * Every cross-field problem of a schema-valid `channels:` list; empty when there is none. Given the
 * config's `sources:`, it also refuses a warehouse or price list that no source owns: its stock
 * would always count 0, or no product would ever have a price, and the channel would stay empty
 * without a word.
 */
export function checkChannels(
  channels: readonly ChannelConfig[],
  sources: readonly SourceConfig[] = [],
  at = 'channels',
): string[] {
  const problems: string[] = [];
  const firstWithId = new Map<string, number>();
  const warehouses = sources.length === 0 ? null : ownedBy(sources, 'stock');
  const priceLists = sources.length === 0 ? null : ownedBy(sources, 'price');
  channels.forEach((channel, index) => {
    const here = `${at}[${index}]`;
    const sameId = firstWithId.get(channel.id);
    if (sameId !== undefined) {
      problems.push(
        `${here}.id: ${channel.id} is also the id of ${at}[${sameId}]; two channels cannot share the topic ${offerTopicOf(channel.id)}`,
      );
    } else firstWithId.set(channel.id, index);

    channel.warehouses.forEach((warehouse, w) => {
      if (warehouses !== null && !warehouses.has(warehouse)) {
        problems.push(
          `${here}.warehouses[${w}]: no source owns the stock of ${warehouse}, so it would always count 0; add it to a source's owns.warehouses or remove it`,
        );
      }
    });
    if (priceLists !== null && !priceLists.has(channel.priceList)) {
      problems.push(
        `${here}.priceList: no source owns price list ${channel.priceList}, so nothing would ever be offered; add it to a source's owns.priceLists`,
      );
    }
  });
  return problems;
}
