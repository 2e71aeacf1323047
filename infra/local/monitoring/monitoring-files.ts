/**
 * Where the local stack's Prometheus and Alertmanager keep their configuration and data, and what
 * that configuration says: Prometheus scrapes every running syncline role (the targets files that
 * the role launcher writes, scrape-targets.ts) and Kafka Connect's JMX exporter, evaluates the
 * alert rules the Helm chart ships, and sends alerts to Alertmanager, which routes them all to one
 * webhook receiver on the loopback.
 */
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertReceiverUrl, host, port, repoRoot, stateDir } from '../stack-config.ts';

export const prometheusHome = join(stateDir, 'prometheus');
export const prometheusConfigFile = join(prometheusHome, 'prometheus.yml');
export const scrapeTargetsDir = join(prometheusHome, 'targets');
export const alertmanagerHome = join(stateDir, 'alertmanager');
export const alertmanagerConfigFile = join(alertmanagerHome, 'alertmanager.yml');

/** The chart's rule file: one source of truth for the chart, promtool's tests and this Prometheus. */
export const chartRulesFile = join(
  repoRoot,
  'infra',
  'helm',
  'syncline',
  'files',
  'prometheus',
  'syncline-alerts.yaml',
);

/**
 * Scrapes and rule evaluations every 5 s (the production default is 15 s or more): a local stack
 * has few series, and tests wait less for what they look for.
 */
export const scrapeIntervalSeconds = 5;

export function prometheusConfig(ruleFiles: readonly string[]): string {
  return `# Written by infra/local (monitoring/monitoring-files.ts) on every start; edit that file instead.\n${stringify(
    {
      global: {
        scrape_interval: `${scrapeIntervalSeconds}s`,
        evaluation_interval: `${scrapeIntervalSeconds}s`,
      },
      alerting: {
        alertmanagers: [{ static_configs: [{ targets: [`${host}:${port('alertmanager')}`] }] }],
      },
      rule_files: [...ruleFiles],
      scrape_configs: [
        {
          // The job name the alert rules use (SynclineRoleDown: up{job="syncline"}).
          job_name: 'syncline',
          file_sd_configs: [
            { files: [join(scrapeTargetsDir, '*.json')], refresh_interval: `${scrapeIntervalSeconds}s` },
          ],
        },
        { job_name: 'kafka-connect', static_configs: [{ targets: [`${host}:${port('connectMetrics')}`] }] },
        { job_name: 'prometheus', static_configs: [{ targets: [`${host}:${port('prometheus')}`] }] },
      ],
    },
  )}`;
}

/**
 * Every alert to the one local receiver, grouped by alert and channel, sent after 1 s and again
 * on every change 5 s later, resolutions included.
 */
export function alertmanagerConfig(): string {
  return `# Written by infra/local (monitoring/monitoring-files.ts) on every start; edit that file instead.\n${stringify(
    {
      route: {
        receiver: 'local-webhook',
        group_by: ['alertname', 'channel'],
        group_wait: '1s',
        group_interval: '5s',
        repeat_interval: '1h',
      },
      receivers: [
        {
          name: 'local-webhook',
          webhook_configs: [{ url: alertReceiverUrl(), send_resolved: true }],
        },
      ],
    },
  )}`;
}
