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
import { chartQueries, chartRules, metricsIn, rulesFile } from '../helpers/promql-metrics.ts';

const rulesTestFile = join(chartDir, 'tests', 'prometheus', 'syncline-alerts.test.yaml');
const rules = chartRules();

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
  const unknown = chartQueries().flatMap(({ where, expr }) =>
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
