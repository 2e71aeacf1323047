/**
 * pino loggers for every role: JSON to stdout, credentials redacted wherever they appear in a
 * logged object (a test proves it), errors under `err`. Roles and tasks get child loggers.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const redactedPaths = [
  'password',
  '*.password',
  '*.*.password',
  'secret',
  '*.secret',
  '*.*.secret',
  'token',
  '*.token',
  '*.*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'sasl',
  '*.sasl',
  // kafkajs's `ssl` options carry the client key; the registry client's `auth` its password.
  'ssl',
  '*.ssl',
  'auth',
  '*.auth',
  'basicAuth',
  '*.basicAuth',
  'bearerToken',
  '*.bearerToken',
  'databaseUrl',
  '*.databaseUrl',
  '*.*.databaseUrl',
];

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  const settings = {
    name: options.name ?? 'syncline',
    level: options.level ?? process.env.SYNCLINE_LOG_LEVEL ?? 'info',
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
