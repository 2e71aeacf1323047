import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../streams/runtime/config/validate-config.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { credentialsFromEnv } from '../../streams/sinks/adapters/magento/magento-auth.ts';
import {
  magentoSettingsSchema,
  restRoot,
  type MagentoSettings,
} from '../../streams/sinks/adapters/magento/magento-settings.ts';

const minimal = {
  baseUrl: 'https://shop.example.com',
  auth: { type: 'integration', tokenEnv: 'MAGENTO_TOKEN' },
};

function validate(document: unknown): Readonly<MagentoSettings> {
  return validateConfig<MagentoSettings>(magentoSettingsSchema, document, 'syncline.yaml');
}

function problems(document: unknown): string {
  try {
    validate(document);
  } catch (error) {
    assert.ok(error instanceof SynclineError);
    return error.message;
  }
  assert.fail('expected the settings to be refused');
}

describe('Magento settings', () => {
  it('fills every default from a base URL and credentials', () => {
    assert.deepEqual(validate(minimal), {
      ...minimal,
      storeCode: 'all',
      sourceCode: 'default',
      websiteIds: [1],
      attributeSetId: 4,
      bulkThreshold: 20,
      maxBatch: 100,
      inputListLimit: 20,
      bulkPollIntervalMs: 200,
      bulkTimeoutMs: 60_000,
      attributeMapping: { description: 'description', ean: 'ean', brand: 'brand' },
      configurableAttributes: {},
    });
  });

  it('takes admin credentials and a mapping of its own', () => {
    const settings = validate({
      ...minimal,
      storeCode: 'default',
      auth: { type: 'admin', usernameEnv: 'MAGENTO_USER', passwordEnv: 'MAGENTO_PASSWORD' },
      attributeMapping: { brand: 'manufacturer', category: 'erp_category' },
      configurableAttributes: { color: 'color', size: 'shoe_size' },
    });
    assert.equal(settings.storeCode, 'default');
    assert.deepEqual(settings.attributeMapping, { brand: 'manufacturer', category: 'erp_category' });
  });

  it('refuses what would fail later, naming the key', () => {
    assert.match(problems({ auth: minimal.auth }), /baseUrl: required but missing/);
    assert.match(problems({ ...minimal, baseUrl: 'https://shop.example.com/' }), /baseUrl/);
    assert.match(problems({ ...minimal, auth: { type: 'oauth1', tokenEnv: 'X' } }), /auth/);
    assert.match(problems({ ...minimal, auth: { type: 'integration' } }), /auth/);
    assert.match(problems({ ...minimal, attributeMapping: { colour: 'color' } }), /colour: unknown key/);
    assert.match(problems({ ...minimal, attributeMapping: { ean: '1ean' } }), /attributeMapping\.ean/);
    assert.match(problems({ ...minimal, maxBatch: 0 }), /maxBatch/);
    assert.match(problems({ ...minimal, websiteIds: [] }), /websiteIds/);
  });

  it('puts the store code in the REST root', () => {
    assert.equal(restRoot(validate(minimal)), 'https://shop.example.com/rest/all');
  });
});

describe('Magento credentials', () => {
  it('reads the variables the settings name', () => {
    assert.deepEqual(credentialsFromEnv({ type: 'integration', tokenEnv: 'T' }, 'webshop', { T: 'secret' }), {
      type: 'integration',
      token: 'secret',
    });
    assert.deepEqual(
      credentialsFromEnv({ type: 'admin', usernameEnv: 'U', passwordEnv: 'P' }, 'webshop', {
        U: 'u',
        P: 'p',
      }),
      { type: 'admin', username: 'u', password: 'p' },
    );
  });

  it('names the missing variable and the channel, never a value', () => {
    const env = { U: 'user-4711', P: '' };
    assert.throws(
      () => credentialsFromEnv({ type: 'admin', usernameEnv: 'U', passwordEnv: 'P' }, 'webshop', env),
      (error: unknown) => {
        assert.ok(error instanceof SynclineError);
        assert.equal(error.code, 'SINK_SETUP');
        assert.match(
          error.message,
          /channel webshop: environment variable P \(sink\.settings\.auth\.passwordEnv\)/,
        );
        assert.ok(!error.message.includes('user-4711'));
        return true;
      },
    );
  });
});
