/**
 * The syncline roles Prometheus scrapes: one file_sd targets file per running role, written by the
 * role launcher (syncline-roles.ts) once the role serves /metrics and removed when it exits, so
 * every role the demo, a test or a benchmark starts is scraped while it runs, on whatever port it
 * got. A file is named after the role's pid; one whose process is gone (its launcher was killed)
 * is removed when Prometheus starts.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scrapeTargetsDir } from './monitoring-files.ts';

export function writeScrapeTarget(role: string, metricsUrl: string, pid: number): string {
  const { host } = new URL(metricsUrl);
  mkdirSync(scrapeTargetsDir, { recursive: true });
  const file = join(scrapeTargetsDir, `${role}-${pid}.json`);
  // Written aside and renamed: Prometheus never reads half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify([{ targets: [host], labels: { role } }]));
  renameSync(`${file}.tmp`, file);
  return file;
}

export function removeScrapeTarget(file: string): void {
  rmSync(file, { force: true });
}

export function removeStaleScrapeTargets(isAlive: (pid: number) => boolean): void {
  if (!existsSync(scrapeTargetsDir)) return;
  for (const name of readdirSync(scrapeTargetsDir)) {
    const pid = Number(/-(\d+)\.json$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || !isAlive(pid)) rmSync(join(scrapeTargetsDir, name), { force: true });
  }
}
