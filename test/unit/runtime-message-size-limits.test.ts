import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import pino from 'pino';
import {
  kafkaDefaultMaxMessageBytes,
  messageSizeLimits,
} from '../../streams/runtime/eos/message-size-limits.ts';

type Query = Parameters<Admin['describeConfigs']>[0]['resources'][number];
const silent = pino({ level: 'silent' });

/** An admin client double answering describeConfigs from `topics` and `broker`, and counting. */
function adminWith(topics: Record<string, string>, broker: string | Error) {
  const asked: Query[] = [];
  const admin: Pick<Admin, 'describeConfigs' | 'describeCluster'> = {
    describeCluster: () =>
      Promise.resolve({ brokers: [{ nodeId: 1, host: 'h', port: 1 }], controller: 1, clusterId: 'c' }),
    describeConfigs: ({ resources }) => {
      const [query] = resources;
      asked.push(query!);
      if (Number(query!.type) === 4 /* BROKER */) {
        if (broker instanceof Error) return Promise.reject(broker);
        return Promise.resolve(answer(query!, 'message.max.bytes', broker));
      }
      const value = topics[query!.name];
      if (value === undefined)
        return Promise.reject(new Error('This server does not host this topic-partition'));
      return Promise.resolve(answer(query!, 'max.message.bytes', value));
    },
  };
  return { admin, asked };
}

const answer = (query: Query, configName: string, configValue: string) => ({
  throttleTime: 0,
  resources: [
    {
      errorCode: 0,
      errorMessage: '',
      resourceName: query.name,
      resourceType: query.type,
      configEntries: [
        {
          configName,
          configValue,
          isDefault: false,
          configSource: 1,
          isSensitive: false,
          readOnly: false,
          configSynonyms: [],
        },
      ],
    },
  ],
});

describe('messageSizeLimits', () => {
  it("takes a topic's max.message.bytes, reading it once", async () => {
    const { admin, asked } = adminWith({ out: '16384' }, '1048588');
    const limits = messageSizeLimits(admin, silent);
    assert.equal(await limits.limitOf('out'), 16_384);
    assert.equal(await limits.limitOf('out'), 16_384);
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0]!.configNames, ['max.message.bytes']);
  });

  it("takes the broker's message.max.bytes for a topic not created yet", async () => {
    const { admin } = adminWith({}, '2000000');
    assert.equal(await messageSizeLimits(admin, silent).limitOf('new-topic'), 2_000_000);
  });

  it("assumes Kafka's default when neither can be read", async () => {
    const { admin } = adminWith({}, new Error('broker gone'));
    assert.equal(await messageSizeLimits(admin, silent).limitOf('new-topic'), kafkaDefaultMaxMessageBytes);
  });

  it('an override replaces what the broker says, without asking it', async () => {
    const { admin, asked } = adminWith({ out: '16384' }, '1048588');
    assert.equal(await messageSizeLimits(admin, silent, 500_000).limitOf('out'), 500_000);
    assert.equal(asked.length, 0);
  });
});
