/**
 * The kafkajs client every role uses, with kafkajs's own log lines sent to the role's pino logger
 * (kafkajs logs through a `logCreator`, levels 1 error .. 5 debug), and the TLS and SASL settings
 * of the config's `kafka` section (kafka-security.ts): every Kafka client of every role, its admin
 * clients and the CDC watchdog's, is made here.
 */
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkaSecurityOptions, type KafkaSecurityConfig } from './kafka-security.ts';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export interface KafkaSettings extends KafkaSecurityConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

export function kafkaClient(settings: KafkaSettings, logger: Logger): Kafka {
  const kafkaLog = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ...kafkaSecurityOptions(settings),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const {
          message,
          timestamp: _timestamp,
          logger: _name,
          ...extra
        } = log as Record<string, unknown> & { message: string };
        kafkaLog[levels[level] ?? 'info']({ namespace, ...extra }, message);
      },
  });
}
