/**
 * Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app's secret, compared in
 * constant time. The fixed vector was computed outside Node (openssl dgst -sha256 -hmac ... | base64),
 * so a change to hex digests, another hash or a re-serialised body fails here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shopifyHmac, verifyShopifyHmac } from '../../streams/intake/shopify-hmac.ts';

const BODY = '{"id":820982911946154508,"name":"#1001"}';
const SECRET = 'shpss_test_secret';
const SIGNATURE = 'DhIRdKc/LXOvFjxrfojUuKJAjNUtjyZjstUwRpcOF2k=';

describe('verifyShopifyHmac', () => {
  it('signs as openssl does: base64 of HMAC-SHA256 over the raw body', () => {
    assert.equal(shopifyHmac(BODY, SECRET), SIGNATURE);
    assert.equal(shopifyHmac(Buffer.from(BODY), SECRET), SIGNATURE);
  });

  it('accepts the right signature over the raw bytes, as a string or a Buffer', () => {
    assert.equal(verifyShopifyHmac(Buffer.from(BODY), SIGNATURE, SECRET), true);
    assert.equal(
      verifyShopifyHmac(BODY, ` ${SIGNATURE} `, SECRET),
      true,
      'surrounding spaces of a header value',
    );
  });

  it('refuses another secret, a changed body, a re-serialised body, a hex digest and a mangled header', () => {
    assert.equal(verifyShopifyHmac(BODY, SIGNATURE, 'another_secret'), false);
    assert.equal(verifyShopifyHmac(BODY.replace('1001', '1002'), SIGNATURE, SECRET), false);
    const reserialised = JSON.stringify(JSON.parse(BODY) as unknown, null, 1);
    assert.equal(verifyShopifyHmac(reserialised, SIGNATURE, SECRET), false);
    const hex = Buffer.from(SIGNATURE, 'base64').toString('hex');
    assert.equal(verifyShopifyHmac(BODY, hex, SECRET), false);
    assert.equal(verifyShopifyHmac(BODY, SIGNATURE.slice(0, -1), SECRET), false, 'shorter');
    assert.equal(verifyShopifyHmac(BODY, `${SIGNATURE.slice(0, -2)}A=`, SECRET), false, 'last byte changed');
    assert.equal(verifyShopifyHmac(BODY, SIGNATURE.replace('=', ''), SECRET), false, 'padding dropped');
  });

  it('refuses a missing header, one sent twice, and an empty secret', () => {
    assert.equal(verifyShopifyHmac(BODY, undefined, SECRET), false);
    assert.equal(verifyShopifyHmac(BODY, [SIGNATURE, SIGNATURE], SECRET), false);
    assert.equal(verifyShopifyHmac(BODY, '', SECRET), false);
    assert.equal(verifyShopifyHmac(BODY, shopifyHmac(BODY, ''), ''), false);
  });
});
