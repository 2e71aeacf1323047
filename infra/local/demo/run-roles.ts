/**
 * The demo's pipeline: `syncline ingest`, `offers`, `sink` and `register-index` as child processes
 * on the sample config, exactly as a user would start them, with their logs in `.stack/logs/`.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { RoleName } from '../../../streams/config/syncline-config.ts';
import { stateDir } from '../stack-config.ts';
import { sampleConfigFile, startRole, type RoleProcess } from '../syncline-roles.ts';

export interface RunningRoles {
  stop(): Promise<void>;
}

async function startLogged(role: RoleName): Promise<RoleProcess> {
  const log = join(stateDir, 'logs', `syncline-${role}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  const running = await startRole(role, sampleConfigFile, { onOutput: (chunk) => out.write(chunk) });
  console.log(`  syncline ${role.padEnd(14)} running, pid ${running.process.pid ?? '?'}, log ${log}`);
  return running;
}

export async function runRoles(names: readonly RoleName[]): Promise<RunningRoles> {
  const roles: RoleProcess[] = [];
  // If the demo dies (a closed pipe, an uncaught error), its processors must not live on unseen.
  process.once('exit', () => {
    for (const role of roles) if (role.process.exitCode === null) role.process.kill('SIGTERM');
  });
  for (const name of names) roles.push(await startLogged(name));
  return {
    async stop() {
      await Promise.all(roles.map((role) => role.stop()));
    },
  };
}
