/**
 * Alertmanager (Debian's prometheus-alertmanager package), bound to loopback, alone (its cluster
 * port is off): routes every alert Prometheus sends to one webhook receiver on the loopback
 * (SYNCLINE_ALERT_RECEIVER_PORT), which the alert test runs; nothing is lost while none listens,
 * Alertmanager retries.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from '../component.ts';
import {
  alertmanagerConfig,
  alertmanagerConfigFile,
  alertmanagerHome,
} from '../monitoring/monitoring-files.ts';
import { alertmanagerUrl, host, port } from '../stack-config.ts';
import { prometheusServer } from '../tools.ts';
import { probe } from './http-probe.ts';

const dataDir = join(alertmanagerHome, 'data');

export const alertmanager: Component = {
  name: 'alertmanager',
  title: 'Alertmanager',
  ports: ['alertmanager'],
  dependsOn: [],
  startTimeoutMs: 60_000,
  stopSignal: 'SIGTERM',
  stopGraceMs: 10_000,
  endpoint: alertmanagerUrl,

  prepare() {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(alertmanagerConfigFile, alertmanagerConfig());
    return Promise.resolve();
  },

  launchSpec() {
    return {
      name: 'alertmanager',
      command: prometheusServer().alertmanager,
      args: [
        `--config.file=${alertmanagerConfigFile}`,
        `--storage.path=${dataDir}`,
        `--web.listen-address=${host}:${port('alertmanager')}`,
        // One instance: no gossip port (9094 by default) to bind or to clash.
        '--cluster.listen-address=',
      ],
      marker: alertmanagerConfigFile,
    };
  },

  async unhealthyReason() {
    const ready = await probe(`${alertmanagerUrl()}/-/ready`);
    return ready.ok ? undefined : ready.reason;
  },
};
