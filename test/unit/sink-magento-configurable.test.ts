import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OfferVariant } from '../../streams/contracts/channel-offer.ts';
import { magentoTokens } from '../../streams/sinks/adapters/magento/magento-auth.ts';
import { configurableOptionsReader } from '../../streams/sinks/adapters/magento/magento-configurable-options.ts';
import { magentoRest } from '../../streams/sinks/adapters/magento/magento-rest.ts';
import type { ChannelHttp, HttpRequest } from '../../streams/sinks/channel-adapter.ts';

const root = 'http://magento.test/rest/all';

function variant(sku: string, attributes: Record<string, string>): OfferVariant {
  return {
    sku,
    name: sku,
    ean: null,
    attributes,
    price: { amount: '1.00', currency: 'EUR' },
    quantity: 1,
    fields: {},
  };
}

/** Serves `GET /V1/products/attributes/color` with the labels `labels()` gives at the time. */
function attributeApi(labels: () => string[]): ChannelHttp & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    request(request) {
      sent.push(request);
      if (!request.url.endsWith('/V1/products/attributes/color')) {
        const json = {
          message: 'The attribute with a "%1" attributeCode doesn\'t exist.',
          parameters: ['x'],
        };
        return Promise.resolve({ status: 404, headers: {}, text: JSON.stringify(json), json });
      }
      const json = {
        attribute_id: 93,
        default_frontend_label: 'Color',
        options: [
          { label: ' ', value: '' },
          ...labels().map((label, index) => ({ label, value: String(50 + index) })),
        ],
      };
      return Promise.resolve({ status: 200, headers: {}, text: JSON.stringify(json), json });
    },
  };
}

function reader(mapping: Record<string, string>) {
  const rest = magentoRest(root, magentoTokens({ type: 'integration', token: 't' }, `${root}/token`));
  return configurableOptionsReader(rest, mapping);
}

describe('configurable options', () => {
  it("names the attribute by id and gives each variant its value's option id", async () => {
    const http = attributeApi(() => ['Red', 'Blue']);
    const picked = await reader({ colour: 'color' }).forVariants(http, [
      variant('T-R', { colour: 'Red' }),
      variant('T-B', { colour: 'Blue' }),
      variant('T-R2', { colour: 'Red' }),
    ]);
    assert.deepEqual(picked, {
      kind: 'ok',
      options: [
        {
          attribute_id: '93',
          label: 'Color',
          position: 0,
          values: [{ value_index: 50 }, { value_index: 51 }],
        },
      ],
      attributes: [
        [{ attribute_code: 'color', value: '50' }],
        [{ attribute_code: 'color', value: '51' }],
        [{ attribute_code: 'color', value: '50' }],
      ],
    });
    assert.equal(http.sent[0]?.items, 0);
  });

  it('reads the attribute once, and again only when a value is not among its options', async () => {
    const labels = ['Red'];
    const http = attributeApi(() => labels);
    const options = reader({ colour: 'color' });
    await options.forVariants(http, [variant('A', { colour: 'Red' })]);
    await options.forVariants(http, [variant('B', { colour: 'Red' })]);
    assert.equal(http.sent.length, 1, 'cached');
    labels.push('Teal');
    const picked = await options.forVariants(http, [variant('C', { colour: 'Teal' })]);
    assert.equal(picked.kind, 'ok');
    assert.equal(http.sent.length, 2);
    const unknown = await options.forVariants(http, [variant('D', { colour: 'Mauve' })]);
    assert.deepEqual(unknown, {
      kind: 'rejected',
      channelError: 'Magento attribute "color" has no option "Mauve" (variant D)',
      code: 'UNKNOWN_OPTION',
    });
    assert.equal(http.sent.length, 3, 'one more read, not one per variant');
  });

  it('rejects a family when a variant lacks the value or Magento lacks the attribute', async () => {
    const http = attributeApi(() => ['Red']);
    assert.deepEqual(
      await reader({ colour: 'color' }).forVariants(http, [
        variant('A', { colour: 'Red' }),
        variant('B', {}),
      ]),
      {
        kind: 'rejected',
        channelError: 'variant B has no "colour", which tells the family\'s variants apart',
        code: 'MISSING_ATTRIBUTE',
      },
    );
    const missing = await reader({ size: 'shoe_size' }).forVariants(http, [variant('A', { size: '42' })]);
    assert.equal(missing.kind === 'rejected' ? missing.code : '', 'UNKNOWN_ATTRIBUTE');
  });

  it('asks nothing when no variant has a mapped attribute', async () => {
    const http = attributeApi(() => []);
    assert.deepEqual(await reader({ colour: 'color' }).forVariants(http, [variant('A', { size: 'M' })]), {
      kind: 'ok',
      options: [],
      attributes: [[]],
    });
    assert.equal(http.sent.length, 0);
  });
});
