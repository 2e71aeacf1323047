/**
 * The queries the chart ships (its alert rules and its Grafana dashboard) and the metric names in
 * them: for the tests that check every name against what the roles and Kafka Connect export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chartDir } from './chart-tools.ts';

export const rulesFile = join(chartDir, 'files', 'prometheus', 'syncline-alerts.yaml');
export const dashboardFile = join(chartDir, 'files', 'dashboards', 'syncline-pipeline.json');

export interface Rule {
  alert: string;
  expr: string;
  for?: string;
}

export const chartRules = (): Rule[] =>
  (parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

/** Every query of the alert rules and the dashboard, with where it is. */
export function chartQueries(): { where: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  return [
    ...chartRules().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
  ];
}

/** Metric names in a PromQL expression: identifiers not followed by `(`, minus keywords and labels. */
export function metricsIn(expr: string): string[] {
  const withoutStrings = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '');
  // Whole identifiers; one followed by `(` is a function or an aggregation, not a metric.
  const words = [...withoutStrings.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .filter((m) => !/^\s*\(/.test(withoutStrings.slice(m.index + m[0].length)))
    .map((m) => m[0]);
  const keywords = new Set([
    ...['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool'],
    // Aggregations may take their grouping before the parenthesis: `sum by (channel) (...)`.
    ...['sum', 'min', 'max', 'avg', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile'],
  ]);
  const grouped = new Set(
    [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(/\s*,\s*/)),
  );
  return words.filter((w) => !keywords.has(w) && !grouped.has(w) && !/^\d/.test(w));
}

/**
 * The metric names a Prometheus text exposition offers: every sample's name, and every declared
 * family (`# TYPE`), so a labelled counter nothing has counted yet is there too (a histogram
 * family stands for its buckets, sum and count).
 */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const declared = /^# TYPE (\S+) (\S+)/.exec(line);
    if (declared) {
      const [, name, type] = declared;
      names.add(name!);
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
      if (type === 'counter' && !name!.endsWith('_total')) names.add(`${name}_total`);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}
