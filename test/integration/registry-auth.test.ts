/**
 * Schema registry credentials, proven against the real registry behind nginx (basic auth over
 * HTTPS with a private CA, and a bearer token): syncline's registry client registers a schema and
 * writes with it through each, the registry itself holds what was registered, and refused
 * credentials stop a role's start-up with the reason instead of being waited out as an outage.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registryUrl } from '../../infra/local/stack-config.ts';
import { avroCodecFor, avroReader, schemaRegistry } from '../../streams/runtime/codec/avro-codec.ts';
import { whenRegistryAnswers } from '../../streams/runtime/codec/registry-wait.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { createLogger } from '../../streams/runtime/logger.ts';
import { startRegistryAuthProxy, type RegistryAuthProxy } from '../helpers/registry-auth-proxy.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncline-registry-auth-test-'));
const schemaFile = join(dir, 'probe.avsc');
writeFileSync(
  schemaFile,
  JSON.stringify({
    type: 'record',
    name: 'AuthProbe',
    namespace: 'syncline.test',
    fields: [{ name: 'sku', type: 'string' }],
  }),
);
const subjectTopic = () => `syncline-test-registry-auth-${randomUUID()}`;
const logger = createLogger({ level: 'silent' });
let proxy: RegistryAuthProxy;

before(async () => {
  proxy = await startRegistryAuthProxy();
});

after(async () => {
  await proxy?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Registers through `registry`, writes a value, and reads it back straight from the registry. */
async function roundTrip(registry: ReturnType<typeof schemaRegistry>): Promise<void> {
  const codec = await whenRegistryAnswers(() => avroCodecFor(registry, subjectTopic(), schemaFile), logger);
  const bytes = await codec.encode({ sku: 'SKU-AUTH-1' });
  const direct = avroReader(schemaRegistry(registryUrl()));
  assert.deepEqual({ ...((await direct.decode(bytes)) as object) }, { sku: 'SKU-AUTH-1' });
}

function refusedCredentials(error: unknown): boolean {
  assert.ok(error instanceof SynclineError, String(error));
  assert.equal(error.code, 'SCHEMA_REGISTRY');
  assert.equal(error.retriable, false, 'a refusal is not waited out');
  assert.match(error.message, /refused syncline's credentials \(HTTP 401\)/);
  assert.ok(!error.message.includes(proxy.password) && !error.message.includes(proxy.token));
  return true;
}

describe('schema registry authentication', { timeout: 60_000 }, () => {
  it('registers and writes through basic auth over HTTPS, the password from a mounted file', async () => {
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${proxy.password}\n`);
    await roundTrip(
      schemaRegistry({
        url: proxy.basicUrl,
        basicAuth: { username: proxy.username, passwordFile },
        tls: { caFile: proxy.caFile, rejectUnauthorized: true },
      }),
    );
  });

  it('registers and writes with a bearer token', async () => {
    await roundTrip(schemaRegistry({ url: proxy.bearerUrl, bearerToken: { token: proxy.token } }));
  });

  it('stops at once on a wrong password, and on a missing or wrong token', async () => {
    const wrong = [
      schemaRegistry({
        url: proxy.basicUrl,
        basicAuth: { username: proxy.username, password: `${proxy.password}-not` },
        tls: { caFile: proxy.caFile, rejectUnauthorized: true },
      }),
      schemaRegistry({ url: proxy.bearerUrl }),
      schemaRegistry({ url: proxy.bearerUrl, bearerToken: { token: `${proxy.token}-not` } }),
    ];
    for (const registry of wrong) {
      await assert.rejects(
        whenRegistryAnswers(() => avroCodecFor(registry, subjectTopic(), schemaFile), logger),
        refusedCredentials,
      );
    }
  });
});
