import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateConfig } from '../../streams/runtime/config/validate-config.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import {
  channelsJsonSchema,
  checkChannels,
  offerTopicOf,
  type OffersConfig,
} from '../../streams/processors/offers/index.ts';
import { priceLists, warehouses } from '../../infra/local/erp/generate.ts';
import { sampleConfig } from './ingest-fixtures.ts';
import { channel } from './offers-fixtures.ts';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['channels'],
  properties: { channels: channelsJsonSchema },
};

// The channels of the sample config as the offers processor sees them, without their `sink:`
// sections (the sinks' part; the whole file is tested in syncline-config.test.ts).
const sampleChannels = {
  channels: (
    parse(readFileSync(new URL('../../infra/local/syncline.yaml', import.meta.url), 'utf8')) as {
      channels: Record<string, unknown>[];
    }
  ).channels.map(({ sink: _sink, ...channel }) => channel),
};

function problems(document: unknown): string {
  try {
    validateConfig(schema, document, 'syncline.yaml');
  } catch (error) {
    assert.ok(error instanceof SynclineError);
    return error.message;
  }
  assert.fail('expected the config to be refused');
}

describe('channels config: JSON Schema', () => {
  it('accepts the sample channels and fills in every default', () => {
    const config = validateConfig<OffersConfig>(schema, sampleChannels, 'syncline.yaml');
    assert.deepEqual(
      config.channels.map((c) => [c.id, c.kind, c.priceList, c.warehouses, c.safetyStock, c.variants]),
      [
        ['webshop', 'magento', 'B2C-EUR', ['WH-MAIN', 'WH-3PL'], 2, 'grouped'],
        ['b2b-portal', 'generic', 'B2B-EUR', ['WH-MAIN', 'WH-SOUTH'], 0, 'flat'],
        ['marketplace', 'generic', 'MKT-EUR', ['WH-3PL'], 5, 'flat'],
      ],
    );
    assert.deepEqual(config.channels[2]?.requiredFields, ['ean', 'brand']);
    assert.deepEqual(config.channels[0]?.filters, { activeOnly: true, excludeSkus: [] });
    assert.deepEqual(checkChannels(config.channels, sampleConfig.sources), []);
  });

  it('uses only price lists and warehouses the sample ERP has', () => {
    const config = validateConfig<OffersConfig>(schema, sampleChannels, 'syncline.yaml');
    const lists = new Set(priceLists.map((list) => list.code));
    const codes = new Set(warehouses.map((warehouse) => warehouse.code));
    for (const c of config.channels) {
      assert.ok(lists.has(c.priceList), c.priceList);
      for (const warehouse of c.warehouses) assert.ok(codes.has(warehouse), warehouse);
    }
  });

  it('fills the defaults of a minimal channel', () => {
    const minimal = { id: 'shop', kind: 'generic', priceList: 'B2C-EUR', warehouses: ['WH-MAIN'] };
    const config = validateConfig<OffersConfig>(schema, { channels: [minimal] }, 'syncline.yaml');
    assert.deepEqual(config.channels[0], {
      ...minimal,
      safetyStock: 0,
      requiredFields: [],
      filters: { activeOnly: true, excludeSkus: [] },
      fieldMapping: {},
      variants: 'flat',
    });
  });

  it('names each bad key, all at once', () => {
    const message = problems({
      channels: [
        {
          id: 'Web_Shop',
          kind: 'woocommerce',
          priceList: 'B2C-EUR',
          currency: 'euro',
          warehouses: [],
          safetyStock: -1,
          requiredFields: ['ean', 'gtin'],
          filters: { activeOnly: 'yes', excludeSkus: [' SKU-1'] },
          fieldMapping: { gtin: 'barcode', colour: 'attributes.color' },
          variants: 'nested',
          rateLimit: 5,
        },
      ],
    });
    for (const expected of [
      'channels[0].id: "Web_Shop" does not match',
      'channels[0].kind: expected one of "magento", "shopify", "allegro", "generic", got "woocommerce"',
      'channels[0].currency: "euro" does not match',
      'channels[0].warehouses: expected at least 1 item(s)',
      'channels[0].safetyStock: expected a number >= 0, got -1',
      'channels[0].requiredFields[1]: expected one of',
      'channels[0].filters.activeOnly: expected boolean, got "yes"',
      'channels[0].filters.excludeSkus[0]: " SKU-1" does not match',
      'channels[0].fieldMapping.gtin: "barcode" does not match',
      'channels[0].variants: expected one of "grouped", "flat", got "nested"',
      'channels[0].rateLimit: unknown key',
    ]) {
      assert.ok(message.includes(expected), `${expected}\nin\n${message}`);
    }
    assert.ok(!message.includes('colour'), message);
  });

  it('refuses a missing price list and a non-integer safety stock', () => {
    const message = problems({
      channels: [{ id: 'shop', kind: 'generic', warehouses: ['WH-MAIN'], safetyStock: 1.5 }],
    });
    assert.match(message, /channels\[0\]\.priceList: required but missing/);
    assert.match(message, /channels\[0\]\.safetyStock: expected integer, got 1\.5/);
  });
});

describe('channels config: cross-field rules', () => {
  it('refuses two channels with one id, naming the topic they would share', () => {
    assert.deepEqual(checkChannels([channel(), channel({ kind: 'shopify' })]), [
      'channels[1].id: webshop is also the id of channels[0]; two channels cannot share the topic channel.webshop.offer.v1',
    ]);
  });

  it('refuses a warehouse no source owns', () => {
    const problems = checkChannels([channel({ warehouses: ['WH-MAIN', 'WH-NORTH'] })], sampleConfig.sources);
    assert.deepEqual(problems, [
      "channels[0].warehouses[1]: no source owns the stock of WH-NORTH, so it would always count 0; add it to a source's owns.warehouses or remove it",
    ]);
  });

  it('refuses a price list no source owns, when the sources list theirs', () => {
    const listing = sampleConfig.sources.map((source) =>
      source.owns.entities.includes('price')
        ? { ...source, owns: { ...source.owns, priceLists: ['B2C-EUR', 'B2B-EUR'] } }
        : source,
    );
    assert.deepEqual(checkChannels([channel({ priceList: 'B2C-EUR' })], listing), []);
    assert.deepEqual(checkChannels([channel({ priceList: 'B2C-CHF' })], listing), [
      "channels[0].priceList: no source owns price list B2C-CHF, so nothing would ever be offered; add it to a source's owns.priceLists",
    ]);
  });

  it('cannot check price lists when a source owns them all (the sample: owns.priceLists absent)', () => {
    assert.deepEqual(checkChannels([channel({ priceList: 'B2C-CHF' })], sampleConfig.sources), []);
  });

  it('cannot check ownership when a source owns every warehouse', () => {
    const [first] = sampleConfig.sources;
    assert.ok(first !== undefined);
    const ownsAll = [{ ...first, owns: { entities: first.owns.entities } }];
    assert.deepEqual(checkChannels([channel({ warehouses: ['WH-NORTH'] })], ownsAll), []);
  });

  it('names the topic of a channel', () => {
    assert.equal(offerTopicOf('b2b-portal'), 'channel.b2b-portal.offer.v1');
  });
});
