/**
 * The local stack's verbs: up, down, status. Each part is started once (a second `up` is a no-op),
 * in waves that respect `dependsOn`, and `up` returns only when every part answers its health
 * probe, or fails with a sentence and the last lines of the failing part's log.
 */
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Component } from './component.ts';
import { components } from './components/index.ts';
import { fetchStack, layout, type StackLayout } from './fetch.ts';
import { portInUse } from './ports.ts';
import { hasExited, launch, logFile, logTail, runningPid, stop } from './processes.ts';
import { port, portSettings, stateDir } from './stack-config.ts';
import { StackError } from './stack-error.ts';
import { java } from './tools.ts';

const marker = (component: Component, stack: StackLayout) => component.launchSpec(stack).marker;

export function findComponent(name: string): Component {
  const found = components.find((c) => c.name === name);
  if (!found) {
    throw new StackError(
      'BAD_USAGE',
      `There is no stack part named "${name}"; the parts are ${components.map((c) => c.name).join(', ')}.`,
    );
  }
  return found;
}

async function waitHealthy(component: Component, pid: number | undefined): Promise<void> {
  const deadline = Date.now() + component.startTimeoutMs;
  let reason: string | undefined = 'not probed yet';
  while (Date.now() < deadline) {
    reason = await component.unhealthyReason();
    if (reason === undefined) return;
    if (pid !== undefined && hasExited(pid)) {
      throw new StackError(
        'START_FAILED',
        `${component.title} stopped right after starting. Last lines of ${logFile(component.name)}:\n${logTail(component.name)}`,
      );
    }
    await sleep(500);
  }
  throw new StackError(
    'NOT_HEALTHY',
    `${component.title} did not become healthy within ${component.startTimeoutMs / 1000} s (${reason}). Last lines of ${logFile(component.name)}:\n${logTail(component.name)}`,
  );
}

async function ensureRunning(component: Component, stack: StackLayout): Promise<'started' | 'running'> {
  const pid = runningPid(component.name, marker(component, stack));
  if (pid !== undefined) {
    await waitHealthy(component, pid);
    await component.afterStart?.(stack);
    return 'running';
  }
  for (const name of component.ports) {
    const number = port(name);
    if (await portInUse(number)) {
      const setting = portSettings[name];
      throw new StackError(
        'PORT_TAKEN',
        `Port ${number} (${setting.what}) is taken by another program, so ${component.title} cannot start. Stop that program, or choose another port with ${setting.env}=<port>.`,
      );
    }
  }
  await component.prepare(stack);
  const started = launch(component.launchSpec(stack));
  await waitHealthy(component, started);
  await component.afterStart?.(stack);
  return 'started';
}

function waves(): Component[][] {
  const done = new Set<string>();
  const result: Component[][] = [];
  let left = [...components];
  while (left.length > 0) {
    const ready = left.filter((c) => c.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) throw new Error(`dependency cycle among ${left.map((c) => c.name).join(', ')}`);
    result.push(ready);
    for (const c of ready) done.add(c.name);
    left = left.filter((c) => !ready.includes(c));
  }
  return result;
}

export async function up(): Promise<void> {
  const began = Date.now();
  java();
  const stack = await fetchStack();
  for (const wave of waves()) {
    await Promise.all(
      wave.map(async (component) => {
        const t0 = Date.now();
        const outcome = await ensureRunning(component, stack);
        const took = outcome === 'started' ? ` in ${((Date.now() - t0) / 1000).toFixed(1)} s` : '';
        console.log(`  ${outcome === 'started' ? 'started' : 'running'} ${component.title}${took}`);
      }),
    );
  }
  console.log(`\nThe local stack is up (${((Date.now() - began) / 1000).toFixed(1)} s):`);
  printTable(stack);
}

export async function down(): Promise<void> {
  // Only the paths are needed to recognise our processes: never fetch anything to stop.
  const stack = layout();
  for (const component of [...components].reverse()) {
    const stopped = await stop(
      component.name,
      marker(component, stack),
      component.stopSignal,
      component.stopGraceMs,
    );
    console.log(`  ${stopped ? 'stopped' : 'was not running:'} ${component.title}`);
  }
}

/**
 * SIGKILLs one running part, as a crash or an OOM kill would, and waits until it is gone: for the
 * fault tests and the soak. `up()` starts it again. False when it was not running.
 */
export async function killPart(name: string): Promise<boolean> {
  const component = findComponent(name);
  const pid = runningPid(component.name, marker(component, layout()));
  if (pid === undefined) return false;
  process.kill(pid, 'SIGKILL');
  while (!hasExited(pid)) await sleep(100);
  return true;
}

/**
 * Stops one running part the way `down` does (its own clean shutdown: a fast shutdown for
 * PostgreSQL), as an operator's restart or a host's reboot would: for the fault tests. `up()`
 * starts it again. False when it was not running.
 */
export async function stopPart(name: string): Promise<boolean> {
  const component = findComponent(name);
  return stop(component.name, marker(component, layout()), component.stopSignal, component.stopGraceMs);
}

/** Stops the stack and deletes its data (topics, databases); downloads are kept. */
export async function reset(): Promise<void> {
  await down();
  rmSync(stateDir, { recursive: true, force: true });
  console.log(`  removed ${stateDir}`);
}

export interface PartStatus {
  readonly component: Component;
  readonly pid: number | undefined;
  readonly problem: string | undefined;
}

export async function status(): Promise<PartStatus[]> {
  const stack = layout();
  return Promise.all(
    components.map(async (component) => {
      const pid = runningPid(component.name, marker(component, stack));
      const problem = pid === undefined ? 'not running' : await component.unhealthyReason();
      return { component, pid, problem };
    }),
  );
}

function printTable(stack: StackLayout): void {
  for (const component of components) {
    const pid = runningPid(component.name, marker(component, stack));
    console.log(`  ${component.title.padEnd(38)} ${component.endpoint().padEnd(48)} pid ${pid ?? '-'}`);
  }
  console.log(`\n  data and logs: ${stateDir}   (npm run stack:logs -- <part>)`);
}
