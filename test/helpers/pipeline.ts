/**
 * Runs the pipeline's roles as the README does (`syncline <role> --config <file>`), as child
 * processes so tests can SIGKILL them, on the sample config of the local stack with a state folder
 * of the test's own.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { kafkaBrokers, registryUrl, repoRoot } from '../../infra/local/stack-config.ts';
import type { RoleName } from '../../streams/config/syncline-config.ts';
import { startChild, type Child } from './child-process.ts';
import { waitUntil } from './wait-until.ts';

export const sampleConfigFile = join(repoRoot, 'infra', 'local', 'syncline.yaml');

/** The environment the sample config reads its addresses from. */
export const stackEnv = (): Record<string, string> => ({
  SYNCLINE_KAFKA_BROKERS: kafkaBrokers().join(','),
  SYNCLINE_SCHEMA_REGISTRY_URL: registryUrl(),
});

/** A copy of the sample config with its own state folder, any free metrics ports, and `changes`. */
export function testConfigFile(changes: { processing?: Record<string, unknown> } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-pipeline-'));
  const config = parse(readFileSync(sampleConfigFile, 'utf8')) as Record<string, Record<string, unknown>>;
  config.processing = { ...config.processing, stateDir: join(dir, 'state'), ...changes.processing };
  config.metrics = { host: '127.0.0.1', ports: { ingest: 0, offers: 0 } };
  const file = join(dir, 'syncline.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** Starts a role and waits until it has joined its group (its `running` log line). */
export async function startRole(role: RoleName, configFile: string): Promise<Child> {
  const child = startChild('streams/cli.ts', { ...stackEnv(), SYNCLINE_LOG_LEVEL: 'info' }, [
    role,
    '--config',
    configFile,
  ]);
  await waitUntil(
    `syncline ${role} to run`,
    () => {
      if (child.process.exitCode !== null) throw new Error(`syncline ${role} exited: ${child.output()}`);
      return child.output().includes('"msg":"running"') ? true : undefined;
    },
    90_000,
  );
  return child;
}
