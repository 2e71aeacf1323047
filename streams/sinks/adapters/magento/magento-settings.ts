/**
 * The Magento adapter's `sink.settings`: the JSON Schema the runner validates them against at
 * start-up (defaults filled in by ajv's `useDefaults`), and the type the adapter receives.
 *
 * Example (one channel entry's `sink:`):
 *
 *   sink:
 *     adapter: magento
 *     settings:
 *       baseUrl: https://shop.example.com
 *       storeCode: all                # global scope; see below
 *       auth: { type: integration, tokenEnv: MAGENTO_TOKEN }
 *       sourceCode: default
 *       websiteIds: [1]
 *       attributeMapping: { description: description, ean: ean, brand: brand, category: erp_category }
 */

/** Offer facts that may go to a Magento attribute (name and price have their own product fields). */
export const mappedOfferFields = ['description', 'ean', 'brand', 'category', 'parentSku'] as const;
export type MappedOfferField = (typeof mappedOfferFields)[number];

export type MagentoAuthSettings =
  /** An integration's access token as a bearer token (needs `enable_integration_as_bearer` since 2.4.4). */
  | { readonly type: 'integration'; readonly tokenEnv: string }
  /** An admin user: `POST /V1/integration/admin/token` gives a token valid 4 h, refreshed on a 401. */
  | { readonly type: 'admin'; readonly usernameEnv: string; readonly passwordEnv: string };

export interface MagentoSettings {
  /** Scheme, host and port (and a path prefix if Magento has one), without `/rest`. */
  readonly baseUrl: string;
  readonly storeCode: string;
  readonly auth: MagentoAuthSettings;
  /** The MSI source whose quantities the channel's offers set. */
  readonly sourceCode: string;
  readonly websiteIds: readonly number[];
  readonly attributeSetId: number;
  /** More simple products than this in one batch go through the async bulk API. */
  readonly bulkThreshold: number;
  readonly maxBatch: number;
  /** Magento's "Input List Limit": the most entries one synchronous array input may hold. */
  readonly inputListLimit: number;
  readonly bulkPollIntervalMs: number;
  readonly bulkTimeoutMs: number;
  /** Offer fact -> Magento attribute code; a fact left out is not sent. */
  readonly attributeMapping: Readonly<Partial<Record<MappedOfferField, string>>>;
  /**
   * Grouped channels: variant attribute name -> Magento dropdown attribute code a shopper picks
   * the variant by (`{ color: color, size: size }`); see magento-configurable-options.ts.
   */
  readonly configurableAttributes: Readonly<Record<string, string>>;
}

/** Magento's rule for attribute codes (`Eav/Model/Validator/Attribute/Code.php`): a letter first, at most 60. */
const attributeCode = { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,59}$' } as const;
const envName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } as const;

export const magentoSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'auth'],
  properties: {
    baseUrl: { type: 'string', pattern: '^https?://[^\\s]+[^/\\s]$', description: 'no trailing slash' },
    // `all` writes the global (admin) scope every store view inherits. Under a store view's code
    // (`default` is one) Magento saves the values sent, and with some versions every value, as
    // that view's overrides, which later global edits no longer reach (magento/magento2#9186,
    // #31083). A store code is also needed for the async bulk routes to keep a scope (2.3.3+).
    storeCode: { type: 'string', pattern: '^[a-z0-9_]+$', default: 'all' },
    auth: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'tokenEnv'],
          properties: { type: { const: 'integration' }, tokenEnv: envName },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'usernameEnv', 'passwordEnv'],
          properties: { type: { const: 'admin' }, usernameEnv: envName, passwordEnv: envName },
        },
      ],
    },
    sourceCode: { type: 'string', minLength: 1, default: 'default' },
    websiteIds: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, default: [1] },
    // 4 is the stock "Default" attribute set of catalog_product.
    attributeSetId: { type: 'integer', minimum: 1, default: 4 },
    // 20: Magento's synchronous input list limit when input limits are on (get-started/api-security).
    bulkThreshold: { type: 'integer', minimum: 0, default: 20 },
    maxBatch: { type: 'integer', minimum: 1, maximum: 5000, default: 100 },
    inputListLimit: { type: 'integer', minimum: 1, default: 20 },
    bulkPollIntervalMs: { type: 'integer', minimum: 10, default: 200 },
    bulkTimeoutMs: { type: 'integer', minimum: 100, default: 60_000 },
    attributeMapping: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(mappedOfferFields.map((field) => [field, attributeCode])),
      // Text attributes the merchant adds (`description` is stock). Not `manufacturer` by default:
      // in stock Magento it is a dropdown whose values are option ids, not brand names.
      default: { description: 'description', ean: 'ean', brand: 'brand' },
    },
    configurableAttributes: {
      type: 'object',
      propertyNames: { minLength: 1 },
      additionalProperties: attributeCode,
      default: {},
    },
  },
} as const;

/** `${baseUrl}/rest/${storeCode}`: the synchronous routes add `/V1/...`, the bulk ones `/async/bulk/V1/...`. */
export function restRoot(settings: Pick<MagentoSettings, 'baseUrl' | 'storeCode'>): string {
  return `${settings.baseUrl}/rest/${settings.storeCode}`;
}
