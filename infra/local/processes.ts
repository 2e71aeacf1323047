/**
 * Starting, finding and stopping the stack's background processes.
 *
 * Each part runs detached with its output in `.stack/logs/<name>.log` and its pid in
 * `.stack/run/<name>.pid`. A pid file is trusted only while the process it names is alive and its
 * command line still carries the part's marker (its data folder), so a reused pid is never
 * mistaken for ours.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stateDir } from './stack-config.ts';

export const runDir = join(stateDir, 'run');
export const logDir = join(stateDir, 'logs');

export const logFile = (name: string): string => join(logDir, `${name}.log`);
const pidFile = (name: string): string => join(runDir, `${name}.pid`);

export interface LaunchSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Run as this uid/gid (the databases refuse to run as root). */
  readonly uid?: number;
  readonly gid?: number;
  /** A string that appears in the process's command line, proving the pid is still ours. */
  readonly marker: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The pid of the part's running process, or undefined (a stale pid file is removed). */
export function runningPid(name: string, marker: string): number | undefined {
  const file = pidFile(name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid).includes(marker)) return pid;
  rmSync(file, { force: true });
  return undefined;
}

export function launch(spec: LaunchSpec): number {
  mkdirSync(runDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const out = openSync(logFile(spec.name), 'a');
  writeFileSync(out, `\n--- ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(' ')}\n`);
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
    uid: spec.uid,
    gid: spec.gid,
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  child.unref();
  writeFileSync(pidFile(spec.name), `${child.pid}\n`);
  return child.pid;
}

/** Whether the process exited (used to stop waiting for health as soon as a start has failed). */
export function hasExited(pid: number): boolean {
  return !isAlive(pid) || readStat(pid) === 'Z';
}

function readStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
}

/**
 * Stops a part: `signal` first (each server's clean shutdown), SIGKILL to the whole process
 * group after `graceMs`.
 */
export async function stop(
  name: string,
  marker: string,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<boolean> {
  const pid = runningPid(name, marker);
  if (pid === undefined) return false;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (hasExited(pid)) break;
    await sleep(200);
  }
  if (!hasExited(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(pidFile(name), { force: true });
  return true;
}

/** The last lines of a part's log, to show why it did not start. */
export function logTail(name: string, lines = 15): string {
  try {
    const text = readFileSync(logFile(name), 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '(no log yet)';
  }
}
