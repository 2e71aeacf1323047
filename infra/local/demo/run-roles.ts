/**
 * The demo's pipeline: `syncline ingest` and `syncline offers` as child processes on the sample
 * config, exactly as a user would start them, with their logs in `.stack/logs/`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RoleName } from '../../../streams/config/syncline-config.ts';
import { StackError } from '../stack-error.ts';
import { kafkaBrokers, registryUrl, repoRoot, stateDir } from '../stack-config.ts';

export const sampleConfig = join(repoRoot, 'infra', 'local', 'syncline.yaml');

export interface RunningRoles {
  stop(): Promise<void>;
}

async function startRole(role: RoleName): Promise<ChildProcess> {
  const log = join(stateDir, 'logs', `syncline-${role}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'streams/cli.ts', role, '--config', sampleConfig],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        SYNCLINE_KAFKA_BROKERS: kafkaBrokers().join(','),
        SYNCLINE_SCHEMA_REGISTRY_URL: registryUrl(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      out.write(chunk);
      if (output.length < 1_000_000) output += chunk.toString();
    });
  }
  const deadline = Date.now() + 90_000;
  while (!output.includes('"msg":"running"')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new StackError('START_FAILED', `syncline ${role} did not start; the end of ${log}:\n${tail}`);
    }
    await sleep(200);
  }
  console.log(`  syncline ${role.padEnd(7)} running, pid ${child.pid ?? '?'}, log ${log}`);
  return child;
}

export async function runRoles(): Promise<RunningRoles> {
  const children: ChildProcess[] = [];
  // If the demo dies (a closed pipe, an uncaught error), its processors must not live on unseen.
  process.once('exit', () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });
  children.push(await startRole('ingest'));
  children.push(await startRole('offers'));
  return {
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
