/**
 * The Magento adapter against the in-process Magento simulator (random port), without Kafka or the
 * runner: deliver batches, then read what the store holds through Magento's public REST API
 * (products, MSI source items), never through the simulator's internals.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import {
  startMagentoSimulator,
  type MagentoSimulator,
} from '../../infra/simulators/magento/magento-simulator.ts';
import type { Offer, OfferVariant } from '../../streams/contracts/channel-offer.ts';
import { validateConfig } from '../../streams/runtime/config/validate-config.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import {
  magentoAdapter,
  magentoSettingsSchema,
  type MagentoSettings,
} from '../../streams/sinks/adapters/magento/index.ts';
import {
  ChannelCallError,
  type AdapterContext,
  type ChannelAdapter,
  type Delivery,
  type ItemOutcome,
} from '../../streams/sinks/channel-adapter.ts';
import { directChannelHttp, type RecordingChannelHttp } from '../helpers/direct-channel-http.ts';

const token = 'sim-integration-token';
process.env.SYNCLINE_TEST_MAGENTO_TOKEN = token;
process.env.SYNCLINE_TEST_MAGENTO_USER = 'admin';
process.env.SYNCLINE_TEST_MAGENTO_PASSWORD = 'admin123';

const integrationAuth = { type: 'integration', tokenEnv: 'SYNCLINE_TEST_MAGENTO_TOKEN' } as const;
const adminAuth = {
  type: 'admin',
  usernameEnv: 'SYNCLINE_TEST_MAGENTO_USER',
  passwordEnv: 'SYNCLINE_TEST_MAGENTO_PASSWORD',
} as const;

let magento: MagentoSimulator;

before(async () => {
  magento = await startMagentoSimulator({ bulkProcessingDelayMs: 30 });
});
after(async () => {
  await magento.close();
});
beforeEach(() => magento.reset());

/** Settings as the runner hands them over: validated against the adapter's schema, defaults filled. */
function settings(simulator: MagentoSimulator, overrides: Record<string, unknown> = {}): MagentoSettings {
  return validateConfig<MagentoSettings>(
    magentoSettingsSchema,
    {
      baseUrl: simulator.url,
      auth: integrationAuth,
      bulkPollIntervalMs: 20,
      bulkTimeoutMs: 5000,
      ...overrides,
    },
    'test sink settings',
  );
}

function adapter(overrides: Record<string, unknown> = {}, simulator = magento): ChannelAdapter {
  return magentoAdapter.create(settings(simulator, overrides), 'webshop');
}

function context(
  http: RecordingChannelHttp = directChannelHttp(),
): AdapterContext & { http: RecordingChannelHttp } {
  return { http, logger: pino({ level: 'silent' }), signal: new AbortController().signal };
}

function offer(sku: string, overrides: Partial<Offer> = {}): Offer {
  return {
    channel: 'webshop',
    sku,
    parentSku: null,
    name: `Product ${sku}`,
    description: `About ${sku}.`,
    ean: `ean-${sku}`,
    brand: 'Nordwand',
    category: 'Apparel > T-Shirts',
    attributes: {},
    price: { amount: '19.90', currency: 'EUR' },
    quantity: 5,
    variants: [],
    fields: {},
    ...overrides,
  };
}

function upsert(value: Offer): Delivery {
  return { key: value.sku, offer: value, contentHash: `hash-${value.sku}`, revision: `0:${value.sku}` };
}

function delist(key: string): Delivery {
  return { key, offer: null, contentHash: 'tombstone', revision: `0:${key}` };
}

interface StoredProduct {
  readonly id: number;
  readonly name: string;
  readonly price: number;
  readonly status: number;
  readonly visibility: number;
  readonly type_id: string;
  readonly custom_attributes: readonly { attribute_code: string; value: unknown }[];
  readonly extension_attributes: {
    configurable_product_links?: number[];
    configurable_product_options?: unknown[];
  };
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body: unknown = await response.json();
  return { status: response.status, body };
}

/** `GET /V1/products/{sku}`; undefined on 404. */
async function storedProduct(sku: string): Promise<StoredProduct | undefined> {
  const { status, body } = await getJson(`${magento.url}/rest/all/V1/products/${encodeURIComponent(sku)}`);
  if (status === 404) return undefined;
  assert.equal(status, 200, JSON.stringify(body));
  return body as StoredProduct;
}

function attribute(product: StoredProduct | undefined, code: string): unknown {
  return product?.custom_attributes.find((entry) => entry.attribute_code === code)?.value;
}

/** The SKU's MSI source item on `default`, from `GET /V1/inventory/source-items`. */
async function sourceItem(sku: string): Promise<{ quantity: number; status: number } | undefined> {
  const filter = 'searchCriteria[filter_groups][0][filters][0]';
  const query = `${filter}[field]=sku&${filter}[value]=${encodeURIComponent(sku)}&${filter}[condition_type]=eq`;
  const { body } = await getJson(`${magento.url}/rest/V1/inventory/source-items?${query}`);
  const items = (body as { items?: { source_code: string; quantity: number; status: number }[] }).items ?? [];
  const item = items.find((entry) => entry.source_code === 'default');
  return item && { quantity: item.quantity, status: item.status };
}

function kinds(outcomes: readonly ItemOutcome[]): string[] {
  return outcomes.map((outcome) => outcome.kind);
}

function paths(http: RecordingChannelHttp): string[] {
  return http.sent.map((request) => `${request.method} ${new URL(request.url).pathname}`);
}

describe('Magento adapter, synchronous path', () => {
  it('upserts a few offers, then the store holds their name, price, attributes and stock', async () => {
    const ctx = context();
    const offers = [
      offer('SYN-1', { fields: { gtin: '4006381333931' } }),
      offer('SYN-2', { price: { amount: '1234.05', currency: 'EUR' }, quantity: 0 }),
      offer('SYN-3', { description: null }),
    ];
    const outcomes = await adapter().deliver(offers.map(upsert), ctx);
    assert.deepEqual(outcomes, [
      { kind: 'delivered', status: 200 },
      { kind: 'delivered', status: 200 },
      { kind: 'delivered', status: 200 },
    ]);
    assert.deepEqual(paths(ctx.http), [
      'PUT /rest/all/V1/products/SYN-1',
      'PUT /rest/all/V1/products/SYN-2',
      'PUT /rest/all/V1/products/SYN-3',
      'POST /rest/all/V1/inventory/source-items',
    ]);
    assert.deepEqual(
      ctx.http.sent.map((request) => request.items),
      [1, 1, 1, 3],
    );

    const first = await storedProduct('SYN-1');
    assert.equal(first?.name, 'Product SYN-1');
    assert.equal(first?.price, 19.9);
    assert.equal(first?.status, 1);
    assert.equal(first?.type_id, 'simple');
    assert.equal(attribute(first, 'ean'), 'ean-SYN-1');
    assert.equal(attribute(first, 'description'), 'About SYN-1.');
    assert.equal(attribute(first, 'brand'), 'Nordwand');
    assert.equal(attribute(first, 'gtin'), '4006381333931');
    assert.deepEqual(await sourceItem('SYN-1'), { quantity: 5, status: 1 });

    assert.equal((await storedProduct('SYN-2'))?.price, 1234.05);
    assert.deepEqual(await sourceItem('SYN-2'), { quantity: 0, status: 0 });
    assert.equal(attribute(await storedProduct('SYN-3'), 'description'), '');
  });

  it('is idempotent: the same batch again changes nothing and creates nothing', async () => {
    const batch = [upsert(offer('IDEM-1')), upsert(offer('IDEM-2', { quantity: 9 }))];
    const shop = adapter();
    assert.deepEqual(kinds(await shop.deliver(batch, context())), ['delivered', 'delivered']);
    const before = await storedProduct('IDEM-2');
    assert.deepEqual(kinds(await shop.deliver(batch, context())), ['delivered', 'delivered']);
    const again = await storedProduct('IDEM-2');
    assert.equal(magento.stats().products, 2);
    assert.equal(again?.id, before?.id);
    assert.equal(again?.name, before?.name);
    assert.equal(again?.price, before?.price);
    assert.deepEqual(await sourceItem('IDEM-2'), { quantity: 9, status: 1 });
  });

  it('delists by disabling the product; a SKU the store never had is delivered and not created', async () => {
    const shop = adapter();
    await shop.deliver([upsert(offer('DEL-1'))], context());
    const outcomes = await shop.deliver([delist('DEL-1'), delist('NEVER-HAD')], context());
    assert.deepEqual(kinds(outcomes), ['delivered', 'delivered']);
    const disabled = await storedProduct('DEL-1');
    assert.equal(disabled?.status, 2);
    assert.equal(disabled?.name, 'Product DEL-1', 'a delist keeps everything else');
    assert.equal(await storedProduct('NEVER-HAD'), undefined);
    // Delisting twice is harmless.
    assert.deepEqual(kinds(await shop.deliver([delist('DEL-1')], context())), ['delivered']);
    assert.equal((await storedProduct('DEL-1'))?.status, 2);
  });

  it("rejects the product Magento refuses, with Magento's text filled in, and delivers the rest", async () => {
    magento.inject({ kind: 'reject-sku', skus: ['REJ-2'], attribute: 'ean' });
    const outcomes = await adapter().deliver(
      ['REJ-1', 'REJ-2', 'REJ-3'].map((sku) => upsert(offer(sku))),
      context(),
    );
    assert.deepEqual(outcomes, [
      { kind: 'delivered', status: 200 },
      {
        kind: 'rejected',
        status: 400,
        channelError: 'The "ean" attribute value is empty. Set the attribute and try again.',
        code: 'MISSING_ATTRIBUTE',
      },
      { kind: 'delivered', status: 200 },
    ]);
    assert.equal(await storedProduct('REJ-2'), undefined);
    assert.deepEqual(await sourceItem('REJ-3'), { quantity: 5, status: 1 });
  });

  it('rejects an offer whose price is not a decimal without calling Magento for it', async () => {
    const ctx = context();
    const outcomes = await adapter().deliver(
      [upsert(offer('BAD-PRICE', { price: { amount: 'n/a', currency: 'EUR' } })), upsert(offer('OK-PRICE'))],
      ctx,
    );
    assert.equal(outcomes[0]?.kind, 'rejected');
    assert.equal(outcomes[0]?.kind === 'rejected' ? outcomes[0].code : '', 'INVALID_PRICE');
    assert.equal(outcomes[1]?.kind, 'delivered');
    assert.ok(!paths(ctx.http).some((path) => path.includes('BAD-PRICE')));
  });
});

describe('Magento adapter, async bulk path', () => {
  it('saves 150 offers in one bulk request, polls it, then sets their stock in chunks of 20', async () => {
    const ctx = context();
    const offers = Array.from({ length: 150 }, (_, index) =>
      offer(`BULK-${String(index).padStart(3, '0')}`, { quantity: index }),
    );
    const outcomes = await adapter({ maxBatch: 200 }).deliver(offers.map(upsert), ctx);
    assert.deepEqual(new Set(kinds(outcomes)), new Set(['delivered']));
    assert.equal(outcomes.length, 150);

    const sent = paths(ctx.http);
    assert.equal(sent.filter((path) => path === 'POST /rest/all/async/bulk/V1/products').length, 1);
    assert.ok(sent.some((path) => /^GET \/rest\/all\/V1\/bulk\/[^/]+\/status$/.test(path)));
    assert.ok(!sent.some((path) => path.startsWith('PUT ')), 'no synchronous saves');
    assert.equal(sent.filter((path) => path === 'POST /rest/all/V1/inventory/source-items').length, 8);
    assert.ok(
      ctx.http.sent.filter((request) => request.method === 'GET').every((request) => request.items === 0),
      'status polls carry no items',
    );
    // Stock goes after the bulk completed: MSI refuses SKUs Magento does not know yet.
    assert.ok(
      sent.lastIndexOf('POST /rest/all/V1/inventory/source-items') >
        sent.findLastIndex((p) => p.startsWith('GET')),
    );

    assert.equal(magento.stats().products, 150);
    const sample = await storedProduct('BULK-149');
    assert.equal(sample?.name, 'Product BULK-149');
    assert.equal(sample?.price, 19.9);
    assert.equal(attribute(sample, 'ean'), 'ean-BULK-149');
    assert.deepEqual(await sourceItem('BULK-149'), { quantity: 149, status: 1 });
    assert.deepEqual(await sourceItem('BULK-000'), { quantity: 0, status: 0 });
  });

  it('rejects the operation Magento failed, with its message, and delivers the others', async () => {
    magento.inject({ kind: 'reject-sku', skus: ['BREJ-07'], attribute: 'ean' });
    const offers = Array.from({ length: 25 }, (_, index) => offer(`BREJ-${String(index).padStart(2, '0')}`));
    const outcomes = await adapter().deliver(offers.map(upsert), context());
    assert.deepEqual(outcomes[7], {
      kind: 'rejected',
      status: null,
      channelError: 'The "ean" attribute value is empty. Set the attribute and try again.',
      code: 'MISSING_ATTRIBUTE',
    });
    assert.deepEqual(
      outcomes.filter((_, index) => index !== 7).map((outcome) => outcome.kind),
      new Array<string>(24).fill('delivered'),
    );
    assert.equal(await sourceItem('BREJ-07'), undefined);
  });

  it('reports a retriable operation as transient', async () => {
    magento.inject({ kind: 'bulk-retriable', count: 1 });
    const offers = Array.from({ length: 21 }, (_, index) => offer(`BRET-${index}`));
    const outcomes = await adapter().deliver(offers.map(upsert), context());
    const transient = outcomes.filter((outcome) => outcome.kind === 'transient');
    assert.equal(transient.length, 1);
    assert.match(transient[0]?.kind === 'transient' ? transient[0].channelError : '', /Deadlock/);
    assert.equal(outcomes.filter((outcome) => outcome.kind === 'delivered').length, 20);
  });

  it('leaves operations still open at the deadline transient', async () => {
    const slow = await startMagentoSimulator({ bulkProcessingDelayMs: 2000 });
    try {
      const offers = Array.from({ length: 21 }, (_, index) => offer(`SLOW-${index}`));
      const outcomes = await adapter({ bulkTimeoutMs: 150 }, slow).deliver(offers.map(upsert), context());
      assert.deepEqual(new Set(kinds(outcomes)), new Set(['transient']));
      assert.match(
        outcomes[0]?.kind === 'transient' ? outcomes[0].channelError : '',
        /still open after 150 ms/,
      );
    } finally {
      await slow.close();
    }
  });
});

describe('Magento adapter, failures of a whole call', () => {
  it('throws a transient ChannelCallError on a 503', async () => {
    magento.inject({ kind: 'status', status: 503, count: 1 });
    await assert.rejects(adapter().deliver([upsert(offer('S503'))], context()), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.equal(error.details.transient, true);
      assert.equal(error.details.status, 503);
      return true;
    });
  });

  it("throws a transient ChannelCallError carrying the CDN's Retry-After on a 429", async () => {
    magento.inject({ kind: 'throttle', retryAfterSeconds: 7, count: 1 });
    await assert.rejects(adapter().deliver([upsert(offer('T429'))], context()), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.equal(error.details.transient, true);
      assert.equal(error.details.status, 429);
      assert.equal(error.details.retryAfterMs, 7000);
      return true;
    });
  });

  it('throws a transient ChannelCallError when Magento does not answer in time', async () => {
    magento.inject({ kind: 'timeout', count: 1 });
    const ctx = context(directChannelHttp({ timeoutMs: 300 }));
    await assert.rejects(adapter().deliver([upsert(offer('SLOW'))], ctx), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.equal(error.details.transient, true);
      assert.equal(error.details.status, null);
      return true;
    });
  });

  it('makes the products transient when only their stock update fails', async () => {
    magento.inject({ kind: 'status', status: 503, count: 1, paths: 'inventory/source-items' });
    const outcomes = await adapter().deliver([upsert(offer('STK-1')), upsert(offer('STK-2'))], context());
    assert.deepEqual(kinds(outcomes), ['transient', 'transient']);
    assert.equal(outcomes[0]?.status, 503);
    assert.ok(await storedProduct('STK-1'), 'the product itself was saved');
  });
});

describe('Magento adapter, auth', () => {
  it('gets an admin token once and uses it for every call', async () => {
    const shop = adapter({ auth: adminAuth });
    const ctx = context();
    assert.deepEqual(kinds(await shop.deliver([upsert(offer('ADM-1'))], ctx)), ['delivered']);
    assert.deepEqual(kinds(await shop.deliver([upsert(offer('ADM-2'))], ctx)), ['delivered']);
    assert.equal(paths(ctx.http).filter((path) => path.endsWith('/V1/integration/admin/token')).length, 1);
    assert.equal((await storedProduct('ADM-2'))?.status, 1);
  });

  it('refuses the channel with a 401 when bearer integration tokens are off (Magento >= 2.4.4 default)', async () => {
    const strict = await startMagentoSimulator({ bearerIntegration: false });
    try {
      await assert.rejects(
        adapter({}, strict).deliver([upsert(offer('B401'))], context()),
        (error: unknown) => {
          assert.ok(error instanceof ChannelCallError);
          assert.equal(error.details.transient, false);
          assert.equal(error.details.status, 401);
          assert.equal(error.details.channelWide, true);
          assert.equal(error.details.code, 'UNAUTHORIZED');
          assert.equal(
            error.details.channelError,
            "The consumer isn't authorized to access Magento_Catalog::products.",
          );
          return true;
        },
      );
    } finally {
      await strict.close();
    }
  });

  it('refuses to start without the token variable, naming it', () => {
    assert.throws(
      () => adapter({ auth: { type: 'integration', tokenEnv: 'SYNCLINE_TEST_MAGENTO_UNSET' } }),
      (error: unknown) => error instanceof SynclineError && /SYNCLINE_TEST_MAGENTO_UNSET/.test(error.message),
    );
  });
});

describe('Magento adapter, grouped offers', () => {
  function variant(sku: string, quantity: number): OfferVariant {
    return {
      sku,
      name: `Tee ${sku}`,
      ean: `ean-${sku}`,
      attributes: { size: sku.slice(-1) },
      price: { amount: '24.50', currency: 'EUR' },
      quantity,
      fields: {},
    };
  }

  const grouped = { configurableAttributes: { size: 'size' } };

  /** Option ids as the store's public attribute API answers them. */
  async function sizeOptions(): Promise<{ id: number; options: Map<string, string> }> {
    const { body } = await getJson(`${magento.url}/rest/V1/products/attributes/size`);
    const attribute = body as { attribute_id: number; options: { label: string; value: string }[] };
    return { id: attribute.attribute_id, options: new Map(attribute.options.map((o) => [o.label, o.value])) };
  }

  it('saves the variants as simple children and the parent as a configurable linking them', async () => {
    const family = offer('TEE', { quantity: 7, variants: [variant('TEE-M', 3), variant('TEE-L', 4)] });
    const outcomes = await adapter(grouped).deliver([upsert(family)], context());
    assert.deepEqual(outcomes, [{ kind: 'delivered', status: 200 }]);

    const parent = await storedProduct('TEE');
    const medium = await storedProduct('TEE-M');
    const large = await storedProduct('TEE-L');
    assert.equal(parent?.type_id, 'configurable');
    assert.equal(parent?.visibility, 4);
    assert.deepEqual(parent?.extension_attributes.configurable_product_links, [medium?.id, large?.id]);
    assert.equal(medium?.type_id, 'simple');
    assert.equal(medium?.visibility, 1);
    assert.equal(medium?.price, 24.5);
    assert.equal(attribute(medium, 'ean'), 'ean-TEE-M');
    assert.equal(attribute(medium, 'brand'), 'Nordwand');
    assert.deepEqual(await sourceItem('TEE-M'), { quantity: 3, status: 1 });
    assert.deepEqual(await sourceItem('TEE-L'), { quantity: 4, status: 1 });
    assert.equal(await sourceItem('TEE'), undefined, 'a configurable holds no stock of its own');

    // The shopper picks by size: the parent names the attribute, each child holds its option id.
    const size = await sizeOptions();
    assert.equal(attribute(medium, 'size'), size.options.get('M'));
    assert.equal(attribute(large, 'size'), size.options.get('L'));
    assert.deepEqual(parent?.extension_attributes.configurable_product_options, [
      {
        attribute_id: String(size.id),
        label: 'Size',
        position: 0,
        values: [
          { value_index: Number(size.options.get('M')) },
          { value_index: Number(size.options.get('L')) },
        ],
      },
    ]);

    // A variant leaving the family is unlinked on the next offer.
    const smaller = offer('TEE', { variants: [variant('TEE-L', 4)] });
    assert.deepEqual(kinds(await adapter(grouped).deliver([upsert(smaller)], context())), ['delivered']);
    assert.deepEqual((await storedProduct('TEE'))?.extension_attributes.configurable_product_links, [
      large?.id,
    ]);
  });

  it('rejects a family whose variant value the store has no option for, before saving anything', async () => {
    const family = offer('ODD', { variants: [variant('ODD-M', 1), variant('ODD-Q', 1)] });
    const [outcome] = await adapter(grouped).deliver([upsert(family)], context());
    assert.deepEqual(outcome, {
      kind: 'rejected',
      status: null,
      channelError: 'Magento attribute "size" has no option "Q" (variant ODD-Q)',
      code: 'UNKNOWN_OPTION',
    });
    assert.equal(await storedProduct('ODD-M'), undefined);
  });

  it('is refused by Magento when no configurable attribute tells two variants apart', async () => {
    const family = offer('PLAIN', { variants: [variant('PLAIN-M', 1), variant('PLAIN-L', 1)] });
    const [outcome] = await adapter().deliver([upsert(family)], context());
    assert.equal(outcome?.kind, 'rejected');
    assert.match(
      outcome?.kind === 'rejected' ? outcome.channelError : '',
      /have the same set of attribute values/,
    );
  });

  it('rejects the family when Magento refuses one of its variants, naming the variant', async () => {
    magento.inject({ kind: 'reject-sku', skus: ['FAM-L'], attribute: 'ean' });
    const family = offer('FAM', { variants: [variant('FAM-M', 1), variant('FAM-L', 1)] });
    const [outcome] = await adapter(grouped).deliver([upsert(family)], context());
    assert.deepEqual(outcome, {
      kind: 'rejected',
      status: 400,
      channelError: 'variant FAM-L: The "ean" attribute value is empty. Set the attribute and try again.',
      code: 'MISSING_ATTRIBUTE',
    });
    assert.equal(await storedProduct('FAM'), undefined, 'no parent with a partial family');
  });
});
