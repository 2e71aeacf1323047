/**
 * Prometheus (Debian's prometheus package), bound to loopback: scrapes the running syncline roles
 * and Kafka Connect, evaluates the alert rules the Helm chart ships and sends what fires to the
 * stack's Alertmanager. Its lifecycle API is on, so the rules can be reloaded without a restart
 * (monitoring/alert-rules-override.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from '../component.ts';
import {
  chartRulesFile,
  prometheusConfig,
  prometheusConfigFile,
  prometheusHome,
  scrapeTargetsDir,
} from '../monitoring/monitoring-files.ts';
import { removeStaleScrapeTargets } from '../monitoring/scrape-targets.ts';
import { hasExited } from '../processes.ts';
import { host, port, prometheusUrl } from '../stack-config.ts';
import { prometheusServer } from '../tools.ts';
import { probe } from './http-probe.ts';

const dataDir = join(prometheusHome, 'data');

export const prometheus: Component = {
  name: 'prometheus',
  title: 'Prometheus',
  ports: ['prometheus'],
  dependsOn: ['alertmanager'],
  startTimeoutMs: 60_000,
  stopSignal: 'SIGTERM',
  stopGraceMs: 15_000,
  endpoint: prometheusUrl,

  prepare() {
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(scrapeTargetsDir, { recursive: true });
    removeStaleScrapeTargets((pid) => !hasExited(pid));
    writeFileSync(prometheusConfigFile, prometheusConfig([chartRulesFile]));
    return Promise.resolve();
  },

  launchSpec() {
    return {
      name: 'prometheus',
      command: prometheusServer().prometheus,
      args: [
        `--config.file=${prometheusConfigFile}`,
        `--storage.tsdb.path=${dataDir}`,
        '--storage.tsdb.retention.time=2d',
        `--web.listen-address=${host}:${port('prometheus')}`,
        '--web.enable-lifecycle',
      ],
      marker: prometheusConfigFile,
    };
  },

  async unhealthyReason() {
    const ready = await probe(`${prometheusUrl()}/-/ready`);
    return ready.ok ? undefined : ready.reason;
  },
};
