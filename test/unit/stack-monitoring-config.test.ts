/**
 * The local stack's monitoring configuration: Prometheus loads the chart's own rule file and
 * scrapes the roles' targets files and Connect's exporter; the test override of the rules changes
 * only `for`; Alertmanager routes everything to the loopback receiver, resolutions included.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

// The stack's folders and ports come from the environment: a scratch folder and known ports.
const scratch = mkdtempSync(join(tmpdir(), 'syncline-monitoring-'));
process.env.SYNCLINE_STACK_DIR = scratch;
process.env.SYNCLINE_ALERTMANAGER_PORT = '39993';
process.env.SYNCLINE_CONNECT_METRICS_PORT = '39904';
process.env.SYNCLINE_ALERT_RECEIVER_PORT = '39999';

const files = await import('../../infra/local/monitoring/monitoring-files.ts');
const { rulesWithFor } = await import('../../infra/local/monitoring/alert-rules-override.ts');
const targets = await import('../../infra/local/monitoring/scrape-targets.ts');

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  labels?: unknown;
  annotations?: unknown;
}
const groupsOf = (text: string) => (parse(text) as { groups: { name: string; rules: Rule[] }[] }).groups;

describe('local monitoring configuration', () => {
  it("Prometheus loads the given rule files, scrapes the roles' targets files and Connect, alerts to Alertmanager", () => {
    const config = parse(files.prometheusConfig([files.chartRulesFile])) as {
      rule_files: string[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: {
        job_name: string;
        file_sd_configs?: { files: string[] }[];
        static_configs?: { targets: string[] }[];
      }[];
    };
    assert.deepEqual(config.rule_files, [files.chartRulesFile]);
    assert.match(files.chartRulesFile, /infra\/helm\/syncline\/files\/prometheus\/syncline-alerts\.yaml$/);
    assert.deepEqual(config.alerting.alertmanagers[0]!.static_configs[0]!.targets, ['127.0.0.1:39993']);
    const jobs = Object.fromEntries(config.scrape_configs.map((j) => [j.job_name, j]));
    assert.deepEqual(jobs.syncline!.file_sd_configs![0]!.files, [
      join(scratch, 'prometheus', 'targets', '*.json'),
    ]);
    assert.deepEqual(jobs['kafka-connect']!.static_configs![0]!.targets, ['127.0.0.1:39904']);
  });

  it("the written configurations pass Prometheus's and Alertmanager's own checks", () => {
    // Debian's packages (infra/local/install-prerequisites.sh) bring both tools.
    mkdirSync(join(scratch, 'prometheus', 'targets'), { recursive: true });
    const prometheusFile = join(scratch, 'prometheus.yml');
    writeFileSync(prometheusFile, files.prometheusConfig([files.chartRulesFile]));
    const promtool = spawnSync('promtool', ['check', 'config', prometheusFile], { encoding: 'utf8' });
    assert.equal(promtool.status, 0, `${promtool.stdout}${promtool.stderr}`);
    const alertmanagerFile = join(scratch, 'alertmanager.yml');
    writeFileSync(alertmanagerFile, files.alertmanagerConfig());
    const amtool = spawnSync('amtool', ['check-config', alertmanagerFile], { encoding: 'utf8' });
    assert.equal(amtool.status, 0, `${amtool.stdout}${amtool.stderr}`);
  });

  it("the test override shortens every alert's `for` and changes nothing else", () => {
    const chart = readFileSync(files.chartRulesFile, 'utf8');
    const original = groupsOf(chart);
    const changed = groupsOf(rulesWithFor(chart, '10s'));
    assert.equal(changed.length, original.length);
    original.forEach((group, g) => {
      assert.equal(changed[g]!.name, group.name);
      group.rules.forEach((rule, r) => {
        const after = changed[g]!.rules[r]!;
        assert.equal(after.for, rule.for === undefined ? undefined : '10s', `${rule.alert} for`);
        const { for: _after, ...restAfter } = after;
        const { for: _before, ...restBefore } = rule;
        assert.deepEqual(restAfter, restBefore, `${rule.alert}: only its for changed`);
      });
    });
  });

  it('Alertmanager sends every alert, and its resolution, to the loopback receiver', () => {
    const config = parse(files.alertmanagerConfig()) as {
      route: { receiver: string; routes?: unknown[] };
      receivers: { name: string; webhook_configs: { url: string; send_resolved: boolean }[] }[];
    };
    assert.equal(config.route.routes, undefined);
    const receiver = config.receivers.find((r) => r.name === config.route.receiver);
    assert.deepEqual(receiver?.webhook_configs, [
      { url: 'http://127.0.0.1:39999/alerts', send_resolved: true },
    ]);
  });

  it("a role's targets file names its address and role, and goes with its process; a file written by hand stays", () => {
    const file = targets.writeScrapeTarget('sink', 'http://127.0.0.1:41234/metrics', 4242);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), [
      { targets: ['127.0.0.1:41234'], labels: { role: 'sink' } },
    ]);
    targets.writeScrapeTarget('register-index', 'http://127.0.0.1:41235/metrics', 4343);
    const byHand = join(scratch, 'prometheus', 'targets', 'by-hand.json');
    writeFileSync(byHand, '[]');
    targets.removeStaleScrapeTargets((pid) => pid === 4343);
    assert.deepEqual(readdirSync(join(scratch, 'prometheus', 'targets')).sort(), [
      'by-hand.json',
      'register-index-4343.json',
    ]);
    targets.removeScrapeTarget(join(scratch, 'prometheus', 'targets', 'register-index-4343.json'));
    targets.removeScrapeTarget(byHand);
    assert.deepEqual(readdirSync(join(scratch, 'prometheus', 'targets')), []);
  });
});
