/**
 * What the orders processor and the ERP order sink need of the config: the `orders:` section.
 * Per channel that sends orders, how its orders become ERP orders (currency, SKU, customer,
 * payment and shipping mapping) and where their lines ship from (routing); and, for the ERP order
 * sink, which ERP database takes them.
 *
 * Example:
 *
 *   orders:
 *     erp: { database: postgres, url: '${env:SYNCLINE_ERP_PG_URL}', schema: erp }
 *     lookup: { port: 9472 }
 *     channels:
 *       - channel: webshop
 *         currency: EUR                      # default: the channel's currency
 *         routing:
 *           warehouses:                      # in priority order
 *             - { code: WH-MAIN, countries: [CZ, SK, DE, AT] }
 *             - { code: WH-3PL }             # no countries: ships anywhere
 *           split: true                      # lines of one order may ship from several warehouses
 *           checkStock: true                 # route only where the stock is available
 *         skus: { WEB-0001: SKU-000001 }     # the channel's SKU -> the ERP's; unlisted are the same
 *         customers: { '17': C-0001 }        # the channel's customer id -> ERP customer; else a guest
 *         payment: { checkmo: INVOICE, braintree: CARD }
 *         shipping: { flatrate_flatrate: DHL-STD }
 */
import type { ChannelConfig } from '../offers/channel-config.ts';

export interface RoutedWarehouse {
  readonly code: string;
  /** ISO 3166-1 alpha-2 codes it ships to; absent = anywhere. */
  readonly countries?: readonly string[];
}

export interface RoutingRules {
  /** The warehouses a line may ship from, in priority order. */
  readonly warehouses: readonly RoutedWarehouse[];
  /** Whether the lines of one order may ship from different warehouses. */
  readonly split: boolean;
  /** Whether a line needs its quantity available in the warehouse (false: the first that ships there). */
  readonly checkStock: boolean;
}

export interface OrderChannelConfig {
  readonly channel: string;
  /** The currency the channel sells in; an order in another is parked. */
  readonly currency: string;
  readonly routing: RoutingRules;
  /** The channel's SKU -> the ERP's; a SKU not listed is the ERP's own. */
  readonly skus: Readonly<Record<string, string>>;
  /** The channel's customer id -> the ERP customer code; a buyer not listed orders as a guest. */
  readonly customers: Readonly<Record<string, string>>;
  /** The channel's payment method code -> the ERP's; `*` for any other; a method not listed is parked. */
  readonly payment: Readonly<Record<string, string>>;
  /** The channel's shipping method code -> the ERP's; `*` for any other; a method not listed is parked. */
  readonly shipping: Readonly<Record<string, string>>;
}

export type OrdersErpConfig =
  | {
      readonly database: 'postgres';
      readonly url: string;
      readonly schema: string;
      readonly poolSize: number;
    }
  | { readonly database: 'mariadb'; readonly url: string; readonly poolSize: number };

export interface OrdersConfig {
  /** The ERP the `erp-orders` role writes to; required by that role only. */
  readonly erp?: OrdersErpConfig;
  /** Where the `erp-orders` role answers `GET /orders/<channel>/<channel order id>`. */
  readonly lookup: { readonly host: string; readonly port: number };
  readonly channels: readonly OrderChannelConfig[];
}

const code = { type: 'string', minLength: 1 } as const;
const codeMap = { type: 'object', default: {}, additionalProperties: code } as const;
const country = { type: 'string', pattern: '^[A-Z]{2}$' } as const;

/** The JSON Schema of the config's `orders:` section; cross-field rules are `checkOrders`'s. */
export const ordersJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['channels'],
  properties: {
    erp: {
      type: 'object',
      required: ['database', 'url'],
      additionalProperties: false,
      properties: {
        database: { enum: ['postgres', 'mariadb'] },
        url: { type: 'string', pattern: '^(postgres(ql)?|mysql|mariadb)://' },
        schema: { type: 'string', minLength: 1, default: 'erp', description: 'PostgreSQL only' },
        poolSize: { type: 'integer', minimum: 1, maximum: 100, default: 8 },
      },
    },
    lookup: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', minLength: 1, default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 9472 },
      },
    },
    channels: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['channel', 'routing'],
        properties: {
          channel: code,
          currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' },
          routing: {
            type: 'object',
            additionalProperties: false,
            required: ['warehouses'],
            properties: {
              warehouses: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['code'],
                  properties: {
                    code,
                    countries: { type: 'array', minItems: 1, uniqueItems: true, items: country },
                  },
                },
              },
              split: { type: 'boolean', default: true },
              checkStock: { type: 'boolean', default: true },
            },
          },
          skus: codeMap,
          customers: codeMap,
          payment: codeMap,
          shipping: codeMap,
        },
      },
    },
  },
} as const;

/**
 * Every cross-field problem of a schema-valid `orders:` section: a channel that is not one of the
 * config's channels, a channel listed twice, a warehouse listed twice, no currency anywhere.
 * The currency defaults to the channel's own (filled in here, so the result is complete).
 */
export function checkOrders(
  orders: OrdersConfig | undefined,
  channels: readonly Pick<ChannelConfig, 'id' | 'currency'>[],
  at = 'orders',
): string[] {
  if (orders === undefined) return [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  orders.channels.forEach((entry, index) => {
    const here = `${at}.channels[${index}]`;
    const channel = channels.find((c) => c.id === entry.channel);
    if (channel === undefined) {
      problems.push(
        `${here}.channel: ${entry.channel} is not a channel of this config (channels: ${channels.map((c) => c.id).join(', ')})`,
      );
    }
    const before = seen.get(entry.channel);
    if (before !== undefined)
      problems.push(`${here}.channel: ${entry.channel} is also ${at}.channels[${before}]`);
    else seen.set(entry.channel, index);
    if (entry.currency === undefined && channel?.currency === undefined) {
      problems.push(`${here}.currency: required, since channel ${entry.channel} names no currency`);
    }
    const codes = new Set<string>();
    entry.routing.warehouses.forEach((warehouse, w) => {
      if (codes.has(warehouse.code))
        problems.push(`${here}.routing.warehouses[${w}]: ${warehouse.code} is listed twice`);
      codes.add(warehouse.code);
    });
  });
  return problems;
}

/** The orders config with each channel's currency filled in from its channel when absent. */
export function withChannelCurrencies(
  orders: OrdersConfig,
  channels: readonly Pick<ChannelConfig, 'id' | 'currency'>[],
): OrdersConfig {
  return {
    ...orders,
    channels: orders.channels.map((entry) => ({
      ...entry,
      currency: entry.currency ?? channels.find((c) => c.id === entry.channel)?.currency ?? '',
    })),
  };
}
