import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asMagentoError,
  fillPlaceholders,
  magentoErrorText,
  rejectionCode,
  responseErrorText,
} from '../../streams/sinks/adapters/magento/magento-error-text.ts';

describe('Magento placeholders', () => {
  it('fills positional placeholders from a list, %1 being the first', () => {
    assert.equal(
      fillPlaceholders('The "%1" attribute value is empty. Set the attribute and try again.', ['ean']),
      'The "ean" attribute value is empty. Set the attribute and try again.',
    );
    assert.equal(fillPlaceholders('%2 before %1', ['a', 'b']), 'b before a');
  });

  it('fills named placeholders from an object', () => {
    assert.equal(
      fillPlaceholders("The consumer isn't authorized to access %resources.", {
        resources: 'Magento_Catalog::products',
      }),
      "The consumer isn't authorized to access Magento_Catalog::products.",
    );
  });

  it('fills named placeholders from a list in the order they appear (base-prices failures)', () => {
    assert.equal(
      fillPlaceholders('Invalid attribute %fieldName = %fieldValue.', ['SKU', 'not_existing_sku']),
      'Invalid attribute SKU = not_existing_sku.',
    );
  });

  it('prefers the longest placeholder, like strtr: %10 is not %1 followed by 0', () => {
    const parameters = Array.from({ length: 10 }, (_, index) => `v${index + 1}`);
    assert.equal(fillPlaceholders('%1 %10', parameters), 'v1 v10');
    assert.equal(fillPlaceholders('%field %fieldName', { field: 'f', fieldName: 'n' }), 'f n');
  });

  it('does not re-scan filled text', () => {
    assert.equal(fillPlaceholders('%1 and %2', ['%2', 'x']), '%2 and x');
  });

  it('names integer keys of an object from 1, as PHP turns "0" into 0', () => {
    assert.equal(fillPlaceholders('%1/%2', { 0: 'a', 1: 'b' }), 'a/b');
  });

  it('leaves placeholders without an argument, and text without parameters, as they are', () => {
    assert.equal(fillPlaceholders('%1 and %2', ['only']), 'only and %2');
    assert.equal(fillPlaceholders('Request does not match any route.'), 'Request does not match any route.');
    assert.equal(fillPlaceholders('100% sure %1', []), '100% sure %1');
  });

  it('writes numbers and booleans as their JSON text, null as nothing', () => {
    assert.equal(fillPlaceholders('%1 %2 [%3]', [42, true, null]), '42 true []');
  });
});

describe('Magento error bodies', () => {
  it('reads a body and appends the entries of errors[]', () => {
    const body = asMagentoError({
      message: 'One or more input exceptions have occurred.',
      errors: [
        { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'username' } },
        { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'password' } },
      ],
    });
    assert.ok(body);
    assert.equal(
      magentoErrorText(body),
      'One or more input exceptions have occurred. "username" is required. Enter and try again.; "password" is required. Enter and try again.',
    );
  });

  it('is undefined for what is not a Magento body', () => {
    assert.equal(asMagentoError('a token'), undefined);
    assert.equal(asMagentoError([{ message: 'x' }]), undefined);
    assert.equal(asMagentoError({ error: 'x' }), undefined);
    assert.equal(asMagentoError(undefined), undefined);
  });

  it('describes a non-JSON answer (a CDN 429) by its status and the start of its body', () => {
    assert.equal(
      responseErrorText({ status: 429, text: '<html>\n  Too Many Requests </html>', json: undefined }),
      'HTTP 429: <html> Too Many Requests </html>',
    );
    assert.equal(responseErrorText({ status: 503, text: '', json: undefined }), 'HTTP 503');
  });

  it('describes a JSON answer by its filled message', () => {
    assert.equal(
      responseErrorText({
        status: 400,
        text: '',
        json: {
          message: 'Invalid product data: %1',
          parameters: ['Attribute "status" has invalid value "7".'],
        },
      }),
      'Invalid product data: Attribute "status" has invalid value "7".',
    );
  });
});

describe('rejection codes', () => {
  it('names the empty-attribute refusal, bare or wrapped', () => {
    assert.equal(
      rejectionCode('The "ean" attribute value is empty. Set the attribute and try again.'),
      'MISSING_ATTRIBUTE',
    );
    assert.equal(
      rejectionCode(
        'Invalid product data: The "Product Name" attribute value is empty. Set the attribute and try again.',
      ),
      'MISSING_ATTRIBUTE',
    );
  });

  it('names an input limit, and calls anything else an invalid product', () => {
    assert.equal(rejectionCode('Maximum items of type "sourceItems" is 20'), 'INPUT_LIMIT');
    assert.equal(
      rejectionCode('Invalid product data: Attribute "status" has invalid value "7".'),
      'INVALID_PRODUCT',
    );
  });
});
