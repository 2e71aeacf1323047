/**
 * Runs `syncline <role> --config <file>` as a child process on the local stack, as a user would:
 * shared by the demo, the benchmark and the tests, so all three start, watch and stop the roles
 * the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import type { RoleName } from '../../streams/config/syncline-config.ts';
import { StackError } from './stack-error.ts';
import { kafkaBrokers, registryUrl, repoRoot } from './stack-config.ts';

/** The sample config of the local stack (three channels); its addresses come from `stackEnv()`. */
export const sampleConfigFile = join(repoRoot, 'infra', 'local', 'syncline.yaml');

/** The environment the sample config reads the broker's and the registry's addresses from. */
export const stackEnv = (): Record<string, string> => ({
  SYNCLINE_KAFKA_BROKERS: kafkaBrokers().join(','),
  SYNCLINE_SCHEMA_REGISTRY_URL: registryUrl(),
});

/**
 * Writes to `file` the sample config with `processing` settings replaced (a state folder of its
 * own, exactly-once off, ...) and any free metrics ports, so several copies run side by side.
 */
export function writeSampleConfigVariant(file: string, processing: Record<string, unknown>): string {
  const config = parse(readFileSync(sampleConfigFile, 'utf8')) as Record<string, Record<string, unknown>>;
  config.processing = { ...config.processing, ...processing };
  config.metrics = { host: '127.0.0.1', ports: { ingest: 0, offers: 0 } };
  writeFileSync(file, stringify(config));
  return file;
}

export interface RoleProcess {
  readonly process: ChildProcess;
  /** What the role printed (its JSON log lines), the last megabyte of it. */
  output(): string;
  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for the clean exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export interface StartRoleOptions {
  /** Node options before the entry point, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Every chunk the role prints, e.g. to append it to a log file. */
  readonly onOutput?: (chunk: Buffer) => void;
  readonly timeoutMs?: number;
}

const keptOutput = 1_000_000;

/** Starts a role and resolves once it has joined its group (its `running` log line). */
export async function startRole(
  role: RoleName,
  configFile: string,
  options: StartRoleOptions = {},
): Promise<RoleProcess> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'streams/cli.ts', role, '--config', configFile],
    {
      cwd: repoRoot,
      env: { ...process.env, ...stackEnv(), SYNCLINE_LOG_LEVEL: process.env.SYNCLINE_LOG_LEVEL ?? 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      options.onOutput?.(chunk);
      output += chunk.toString();
      if (output.length > 2 * keptOutput) output = output.slice(-keptOutput);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const running: RoleProcess = {
    process: child,
    output: () => output,
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (!output.includes('"msg":"running"')) {
    if (!alive() || Date.now() > deadline) {
      await running.kill();
      const tail = output.trim().split('\n').slice(-5).join('\n');
      throw new StackError(
        'START_FAILED',
        `syncline ${role} did not start; the last lines it printed:\n${tail}`,
      );
    }
    await sleep(100);
  }
  return running;
}
