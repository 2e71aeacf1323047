/**
 * The syncline roles Prometheus scrapes: one file_sd targets file per running role, written by the
 * role launcher (syncline-roles.ts) once the role serves /metrics and removed when it exits, so
 * every role the demo, a test or a benchmark starts is scraped while it runs, on whatever port it
 * got. A file is named after the role and its pid; one whose process is gone (its launcher was
 * killed) is removed when Prometheus starts. Other files in the folder (a role started by hand,
 * docs/observability.md) are left alone.
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
    // Only the launcher's own files: one an operator wrote for a role started by hand stays.
    const pid = /^[a-z-]+-(\d+)\.json$/.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) rmSync(join(scrapeTargetsDir, name), { force: true });
  }
}
