/**
 * How syncline's Kafka clients authenticate and encrypt: TLS (a CA to trust, optionally a client
 * certificate and key) and SASL (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN), as the brokers' listener
 * asks. Secrets come from `${env:...}` values or mounted files read at start-up (read-secret-file.ts),
 * never from literal text in a checked-in file, and no error prints them.
 */
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { readSecretFile } from '../config/read-secret-file.ts';

export interface KafkaTlsConfig {
  /** PEM of the CA(s) that signed the brokers' certificates; absent = the system's trusted CAs. */
  readonly caFile?: string;
  /** PEM client certificate and its key, for brokers that ask for one (`ssl.client.auth`). */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The name checked against the brokers' certificates, when it is not the bootstrap host. */
  readonly servername?: string;
  /** Off only to try a cluster with a self-signed certificate: the connection is then not verified. */
  readonly rejectUnauthorized: boolean;
}

export type SaslMechanism = 'scram-sha-512' | 'scram-sha-256' | 'plain';

export interface KafkaSaslConfig {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  /** One of the two: the password itself (as `${env:NAME}`), or a file that holds it. */
  readonly password?: string;
  readonly passwordFile?: string;
}

export interface KafkaSecurityConfig {
  readonly tls?: KafkaTlsConfig;
  readonly sasl?: KafkaSaslConfig;
}

const path = { type: 'string', minLength: 1 } as const;

export const kafkaTlsJsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'TLS to the brokers (SSL or SASL_SSL listener); {} = TLS with the system CAs',
  properties: {
    caFile: { ...path, description: 'PEM file of the CA(s) that signed the brokers’ certificates' },
    certFile: { ...path, description: 'PEM client certificate, for brokers that require one' },
    keyFile: { ...path, description: 'PEM private key of certFile (unencrypted)' },
    servername: { type: 'string', minLength: 1, description: 'name checked in the brokers’ certificates' },
    rejectUnauthorized: { type: 'boolean', default: true },
  },
} as const;

export const kafkaSaslJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['mechanism', 'username'],
  description: 'SASL authentication; give password (as ${env:NAME}) or passwordFile',
  properties: {
    mechanism: { enum: ['scram-sha-512', 'scram-sha-256', 'plain'] },
    username: { type: 'string', minLength: 1 },
    password: { type: 'string', minLength: 1 },
    passwordFile: { ...path, description: 'file holding the password (a mounted Secret)' },
  },
} as const;

/** Cross-field rules the schema does not say, each naming the key. */
export function checkKafkaSecurity(config: KafkaSecurityConfig, at = 'kafka'): string[] {
  const problems: string[] = [];
  const { tls, sasl } = config;
  if (tls !== undefined && (tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    problems.push(`${at}.tls: certFile and keyFile go together (a client certificate needs its key)`);
  }
  if (sasl !== undefined && (sasl.password === undefined) === (sasl.passwordFile === undefined)) {
    problems.push(`${at}.sasl: give exactly one of password (as \${env:NAME}) and passwordFile`);
  }
  return problems;
}

/**
 * The kafkajs `ssl` and `sasl` options for `config`, files read now: at start-up, so an unreadable
 * file stops the role with the key and path before it connects.
 */
export function kafkaSecurityOptions(
  config: KafkaSecurityConfig,
  at = 'kafka',
): { ssl?: ConnectionOptions; sasl?: SASLOptions } {
  const options: { ssl?: ConnectionOptions; sasl?: SASLOptions } = {};
  const { tls, sasl } = config;
  if (tls !== undefined) {
    options.ssl = {
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.caFile === undefined ? {} : { ca: readSecretFile(`${at}.tls.caFile`, tls.caFile, 'pem') }),
      ...(tls.certFile === undefined
        ? {}
        : { cert: readSecretFile(`${at}.tls.certFile`, tls.certFile, 'pem') }),
      ...(tls.keyFile === undefined ? {} : { key: readSecretFile(`${at}.tls.keyFile`, tls.keyFile, 'pem') }),
      ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    };
  }
  if (sasl !== undefined) {
    const password =
      sasl.passwordFile === undefined
        ? (sasl.password ?? '')
        : readSecretFile(`${at}.sasl.passwordFile`, sasl.passwordFile);
    options.sasl = { mechanism: sasl.mechanism, username: sasl.username, password };
  }
  return options;
}
