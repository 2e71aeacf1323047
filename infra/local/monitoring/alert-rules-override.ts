/**
 * The chart's alert rules with shorter `for` durations, loaded into the running local Prometheus:
 * for a test that must see an alert fire and resolve within minutes, not the quarter of an hour
 * an operator's rule waits. Only `for` changes; every expression, label and annotation is the
 * chart's own, read from its rule file at the time of loading. `loadChartAlertRules` goes back to
 * the chart's file as it is (what `stack:up` loads).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { prometheusUrl } from '../stack-config.ts';
import {
  chartRulesFile,
  prometheusConfig,
  prometheusConfigFile,
  prometheusHome,
} from './monitoring-files.ts';

interface RuleGroups {
  groups: { name: string; rules: { alert?: string; for?: string }[] }[];
}

/** The rule file's text with every alert's `for` shortened to `duration` (pure). */
export function rulesWithFor(rulesYaml: string, duration: string): string {
  const rules = parse(rulesYaml) as RuleGroups;
  for (const group of rules.groups) {
    // An alert without `for` fires at its first evaluation already.
    for (const rule of group.rules)
      if (rule.alert !== undefined && rule.for !== undefined) rule.for = duration;
  }
  return `# Generated from ${chartRulesFile} with every \`for\` set to ${duration} (alert-rules-override.ts).\n${stringify(rules)}`;
}

const overrideFile = join(prometheusHome, 'syncline-alerts.for-override.yaml');

export async function loadAlertRulesWithFor(duration: string): Promise<void> {
  writeFileSync(overrideFile, rulesWithFor(readFileSync(chartRulesFile, 'utf8'), duration));
  await reload([overrideFile]);
}

export async function loadChartAlertRules(): Promise<void> {
  await reload([chartRulesFile]);
}

async function reload(ruleFiles: string[]): Promise<void> {
  writeFileSync(prometheusConfigFile, prometheusConfig(ruleFiles));
  const response = await fetch(`${prometheusUrl()}/-/reload`, { method: 'POST' });
  if (!response.ok)
    throw new Error(`Prometheus refused the reload: HTTP ${response.status} ${await response.text()}`);
  // The reload answers once applied; the rules API confirms which file the groups come from.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const body = (await (await fetch(`${prometheusUrl()}/api/v1/rules`)).json()) as {
      data: { groups: { file: string }[] };
    };
    if (body.data.groups.length > 0 && body.data.groups.every((g) => ruleFiles.includes(g.file))) return;
    if (Date.now() > deadline) throw new Error(`Prometheus did not load ${ruleFiles.join(', ')}`);
    await sleep(200);
  }
}
