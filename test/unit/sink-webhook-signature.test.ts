/** The webhook signature scheme: a round trip, and every way a request must be refused. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signWebhookBody, verifyWebhookSignature } from '../../streams/sinks/adapters/webhook/index.ts';

const secret = 'test-secret';
const body = '{"channel":"portal","deliveries":[]}';
const now = 1_760_000_000;

describe('webhook signature', () => {
  it('has the shape t=<seconds>,v1=<64 hex digits>', () => {
    assert.match(signWebhookBody(secret, now, body), /^t=1760000000,v1=[0-9a-f]{64}$/);
  });

  it('verifies what it signed, as text or as bytes', () => {
    const header = signWebhookBody(secret, now, body);
    assert.equal(verifyWebhookSignature(secret, header, body, now), undefined);
    assert.equal(verifyWebhookSignature(secret, header, Buffer.from(body), now + 299), undefined);
  });

  it('refuses a tampered body', () => {
    const header = signWebhookBody(secret, now, body);
    const reason = verifyWebhookSignature(secret, header, body.replace('portal', 'portaI'), now);
    assert.match(reason ?? '', /no v1 signature matches/);
  });

  it('refuses a timestamp moved to pass the age check', () => {
    const header = signWebhookBody(secret, now - 3600, body).replace(`t=${now - 3600}`, `t=${now}`);
    assert.match(verifyWebhookSignature(secret, header, body, now) ?? '', /no v1 signature matches/);
  });

  it('refuses an old timestamp (a replay) and one from the future', () => {
    const old = signWebhookBody(secret, now - 301, body);
    assert.match(verifyWebhookSignature(secret, old, body, now) ?? '', /301 s from now, more than the 300 s/);
    const future = signWebhookBody(secret, now + 600, body);
    assert.match(verifyWebhookSignature(secret, future, body, now) ?? '', /600 s from now/);
    assert.equal(verifyWebhookSignature(secret, old, body, now, 600), undefined);
  });

  it('refuses the wrong secret', () => {
    const header = signWebhookBody('another-secret', now, body);
    assert.match(verifyWebhookSignature(secret, header, body, now) ?? '', /wrong secret/);
  });

  it('refuses a missing or malformed header', () => {
    assert.match(verifyWebhookSignature(secret, undefined, body, now) ?? '', /missing/);
    assert.match(verifyWebhookSignature(secret, '', body, now) ?? '', /missing/);
    assert.match(verifyWebhookSignature(secret, 'v1=abc', body, now) ?? '', /no timestamp/);
    assert.match(verifyWebhookSignature(secret, `t=${now},v1=xyz`, body, now) ?? '', /no v1 signature/);
  });

  it('accepts any of several v1 signatures, as during a secret rotation', () => {
    const current = signWebhookBody(secret, now, body);
    const previous = signWebhookBody('old-secret', now, body).split(',')[1] ?? '';
    assert.equal(verifyWebhookSignature(secret, `${current},${previous}`, body, now), undefined);
    assert.equal(verifyWebhookSignature('old-secret', `${current},${previous}`, body, now), undefined);
  });
});
