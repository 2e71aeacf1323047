import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { validateConfig } from '../../streams/runtime/config/validate-config.ts';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['channels'],
  properties: {
    commitIntervalMs: { type: 'integer', minimum: 0, default: 100 },
    channels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
          safetyStock: { type: 'integer' },
          mode: { enum: ['a', 'b'] },
        },
      },
    },
  },
};

function problems(document: unknown): string {
  try {
    validateConfig(schema, document, 'syncline.yaml');
  } catch (error) {
    assert.ok(error instanceof SynclineError);
    assert.equal(error.code, 'CONFIG_INVALID');
    return error.message;
  }
  assert.fail('expected the config to be refused');
}

describe('validateConfig', () => {
  it('fills defaults and freezes the result', () => {
    const config = validateConfig<{ commitIntervalMs: number; channels: { id: string }[] }>(
      schema,
      { channels: [{ id: 'web' }] },
      'f',
    );
    assert.equal(config.commitIntervalMs, 100);
    assert.ok(Object.isFrozen(config.channels[0]));
  });

  it('names the key and what was expected, for every problem at once', () => {
    const message = problems({
      channels: [
        { id: 'web', safetyStock: 'two' },
        { id: 'Bad Id', mode: 'c', priceLst: 'x' },
      ],
      extra: 1,
    });
    assert.match(message, /channels\[0\]\.safetyStock: expected integer, got "two"/);
    assert.match(message, /channels\[1\]\.id: "Bad Id" does not match the pattern/);
    assert.match(message, /channels\[1\]\.mode: expected one of "a", "b", got "c"/);
    assert.match(message, /channels\[1\]\.priceLst: unknown key/);
    assert.match(message, /extra: unknown key/);
  });

  it('reports a missing required key', () => {
    assert.match(problems({}), /channels: required but missing/);
    assert.match(problems({ channels: [] }), /channels: expected at least 1 item/);
  });
});

describe('interpolateEnv', () => {
  it('fills ${env:NAME} from the environment and names the key of an unset one', async () => {
    const { interpolateEnv } = await import('../../streams/runtime/config/interpolate-env.ts');
    assert.deepEqual(interpolateEnv({ kafka: { brokers: ['${env:B}:9092'] } }, { B: 'k1' }), {
      kafka: { brokers: ['k1:9092'] },
    });
    assert.throws(
      () => interpolateEnv({ channels: [{ token: '${env:SHOP_TOKEN}' }] }, {}, 'syncline.yaml'),
      /channels\[0\]\.token: environment variable SHOP_TOKEN is not set/,
    );
  });
});
