import type { Component } from '../component.ts';
import { alertmanager } from './alertmanager.ts';
import { connect } from './connect.ts';
import { kafka } from './kafka.ts';
import { mariadb } from './mariadb.ts';
import { postgres } from './postgres.ts';
import { prometheus } from './prometheus.ts';
import { registry } from './registry.ts';

/** Every part of the local stack, in start order (`down` stops them in reverse). */
export const components: readonly Component[] = [
  postgres,
  mariadb,
  kafka,
  registry,
  connect,
  alertmanager,
  prometheus,
];
