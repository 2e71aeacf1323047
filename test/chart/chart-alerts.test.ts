/**
 * The alert rules the chart ships (files/prometheus/syncline-alerts.yaml) and its dashboard:
 * promtool checks and unit-tests the rules, every alert has a test case that fires it, and every
 * metric the rules and the dashboard query is one the roles declare or Kafka Connect's JMX exporter
 * makes.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from '../../infra/local/stack-config.ts';
import { chartDir, run, tool } from '../helpers/chart-tools.ts';

const rulesFile = join(chartDir, 'files', 'prometheus', 'syncline-alerts.yaml');
const rulesTestFile = join(chartDir, 'tests', 'prometheus', 'syncline-alerts.test.yaml');

interface Rule {
  alert: string;
  expr: string;
}
const rules = (parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);

/** Every metric name declared in the roles' code (prom-client `name: 'syncline_...'`). */
function declaredMetrics(): Set<string> {
  const names = new Set<string>(['up']);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/name: '(syncline_[a-z_]+)'/g)) {
          const name = match[1]!;
          // A histogram is scraped as its buckets, sum and count.
          for (const suffix of ['', '_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
        }
      }
    }
  };
  walk(join(repoRoot, 'streams'));
  return names;
}

/**
 * The names Kafka Connect's JMX exporter makes (files/prometheus/kafka-connect-jmx-exporter.yaml):
 * each rule's `name`, a `$n` standing for a captured word. The metric-names integration test reads
 * the real ones from Connect's /metrics.
 */
function exporterNames(): RegExp[] {
  const config = parse(
    readFileSync(join(chartDir, 'files', 'prometheus', 'kafka-connect-jmx-exporter.yaml'), 'utf8'),
  ) as { rules: { name: string }[] };
  return config.rules.map(
    (rule) => new RegExp(`^${rule.name.toLowerCase().replace(/\$\d+/g, '[a-z0-9_]+')}$`),
  );
}

/** Metric names in a PromQL expression: identifiers not followed by `(`, minus keywords and labels. */
function metricsIn(expr: string): string[] {
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

test('promtool finds the rule file valid', () => {
  const result = run(tool('promtool'), ['check', 'rules', rulesFile]);
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
});

test("promtool's unit tests of the rules pass", () => {
  const result = run(tool('promtool'), ['test', 'rules', rulesTestFile]);
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /SUCCESS/);
});

test('every alert has a test case with input series that fires it', () => {
  const cases = (
    parse(readFileSync(rulesTestFile, 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    }
  ).tests.flatMap((t) => t.alert_rule_test);
  const fired = new Set(cases.filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname));
  const missing = rules.map((r) => r.alert).filter((name) => !fired.has(name));
  assert.deepEqual(missing, [], 'alerts with no firing test case');
});

test('the alerts and the dashboard query only metrics the roles declare or the Connect exporter makes', () => {
  const declared = declaredMetrics();
  const exported = exporterNames();
  const dashboard = JSON.parse(
    readFileSync(join(chartDir, 'files', 'dashboards', 'syncline-pipeline.json'), 'utf8'),
  ) as { panels: { title: string; targets: { expr: string }[] }[] };
  const queries = [
    ...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
  ];
  const unknown = queries.flatMap(({ where, expr }) =>
    metricsIn(expr)
      .filter((name) => !declared.has(name) && !exported.some((pattern) => pattern.test(name)))
      .map((name) => `${where}: ${name}`),
  );
  assert.deepEqual(unknown, []);
  // The check itself sees metrics: a query with a name no role declares would be reported.
  assert.deepEqual(metricsIn('sum by (channel) (rate(syncline_sink_nothing_total{a="b"}[5m]))'), [
    'syncline_sink_nothing_total',
  ]);
});
