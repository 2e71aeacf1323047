/**
 * Each adapter tells a refusal of the whole channel (credentials, permissions, a route that is not
 * there) from a refusal of the records it carries: only the first pauses the channel; a 404 of
 * one SKU stays that SKU's rejection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callError } from '../../streams/sinks/adapters/db-table/postgres-errors.ts';
import { callFailure, unexpectedAnswer } from '../../streams/sinks/adapters/magento/magento-call-failure.ts';
import { refusal } from '../../streams/sinks/adapters/magento/magento-product-save.ts';
import { webhookOutcomes } from '../../streams/sinks/adapters/webhook/webhook-response.ts';
import { ChannelCallError, type HttpResponse } from '../../streams/sinks/channel-adapter.ts';

const answer = (status: number, json: unknown): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  text: JSON.stringify(json),
  json,
});

function thrown(run: () => unknown): ChannelCallError {
  try {
    run();
  } catch (error) {
    if (error instanceof ChannelCallError) return error;
    throw error;
  }
  assert.fail('expected a ChannelCallError');
}

const delivery = { key: 'SKU-1', offer: null, contentHash: 'tombstone', revision: '0:1' };

describe('channel-wide answers', () => {
  it("Magento: 401 and 403 refuse the channel, with Magento's words", () => {
    for (const status of [401, 403]) {
      const error = callFailure(
        'PUT product SKU-1',
        answer(status, {
          message: "The consumer isn't authorized to access %resources.",
          parameters: { resources: 'Magento_Catalog::products' },
        }),
      );
      assert.equal(error?.details.channelWide, true, String(status));
      assert.match(error?.details.channelError ?? '', /isn't authorized to access Magento_Catalog::products/);
    }
  });

  it("Magento: a 404 of the route refuses the channel, a 404 of one SKU is that SKU's rejection", () => {
    const noRoute = thrown(() =>
      refusal('PUT product SKU-1', answer(404, { message: 'Request does not match any route.' })),
    );
    assert.equal(noRoute.details.channelWide, true);
    const oneSku = refusal(
      'PUT product SKU-1',
      answer(404, {
        message: "The product that was requested doesn't exist. Verify the product and try again.",
      }),
    );
    assert.equal(oneSku.kind, 'rejected');
    assert.equal(oneSku.code, 'NOT_FOUND');
  });

  it('Magento: an answer a route does not define is not channel-wide unless it is a 404', () => {
    assert.equal(unexpectedAnswer('x', answer(404, { message: 'Not Found' })).details.channelWide, true);
    assert.notEqual(unexpectedAnswer('x', answer(409, { message: 'Conflict' })).details.channelWide, true);
  });

  it('Magento: 5xx and 429 stay transient, not channel-wide', () => {
    assert.notEqual(callFailure('x', answer(503, {}))?.details.channelWide, true);
    assert.notEqual(callFailure('x', answer(429, {}))?.details.channelWide, true);
  });

  it("webhook: 401, 403 and 404 refuse the channel; another 4xx refuses the call's records", () => {
    for (const status of [401, 403, 404]) {
      const error = thrown(() =>
        webhookOutcomes(answer(status, { error: 'bad signature' }), [delivery], 'http://r.test/hook'),
      );
      assert.equal(error.details.channelWide, true, String(status));
      assert.equal(error.details.transient, false);
    }
    const refusedBody = thrown(() =>
      webhookOutcomes(answer(422, { error: 'bad body' }), [delivery], 'http://r.test/hook'),
    );
    assert.notEqual(refusedBody.details.channelWide, true);
  });

  it('database table: a refused login, a missing privilege or table refuses the channel; a lost connection is transient', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
    for (const [code, message] of [
      ['28P01', 'password authentication failed for user "portal"'],
      ['42501', 'permission denied for table offer'],
      ['42P01', 'relation "portal.offer" does not exist'],
    ] as const) {
      const error = callError(pgError(code, message), 'portal.offer');
      assert.equal(error.details.channelWide, true, code);
      assert.match(error.details.channelError, new RegExp(message.slice(0, 10)));
    }
    const lost = callError(pgError('ECONNREFUSED', 'connect ECONNREFUSED'), 'portal.offer');
    assert.equal(lost.details.transient, true);
    assert.notEqual(lost.details.channelWide, true);
  });
});
