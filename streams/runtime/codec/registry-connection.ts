/**
 * How syncline reaches the schema registry: its URL, and optionally HTTP basic auth or a bearer
 * token (a Confluent-compatible registry behind an API gateway, Confluent Cloud's API keys,
 * Karapace's auth file) and a CA for an https URL signed by a private CA. Secrets come from
 * `${env:...}` values or mounted files read at start-up, never printed.
 */
import { Agent } from 'node:https';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { readSecretFile } from '../config/read-secret-file.ts';

export interface SchemaRegistryConfig {
  readonly url: string;
  readonly basicAuth?: {
    readonly username: string;
    readonly password?: string;
    readonly passwordFile?: string;
  };
  readonly bearerToken?: { readonly token?: string; readonly tokenFile?: string };
  readonly tls?: { readonly caFile?: string; readonly rejectUnauthorized: boolean };
}

const path = { type: 'string', minLength: 1 } as const;

export const schemaRegistryJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', pattern: '^https?://' },
    basicAuth: {
      type: 'object',
      additionalProperties: false,
      required: ['username'],
      description: 'HTTP basic auth; give password (as ${env:NAME}) or passwordFile',
      properties: {
        username: { type: 'string', minLength: 1 },
        password: { type: 'string', minLength: 1 },
        passwordFile: path,
      },
    },
    bearerToken: {
      type: 'object',
      additionalProperties: false,
      description: 'Authorization: Bearer; give token (as ${env:NAME}) or tokenFile (re-read at start-up)',
      properties: { token: { type: 'string', minLength: 1 }, tokenFile: path },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      description: 'for an https url',
      properties: {
        caFile: { ...path, description: 'PEM file of the CA that signed the registry’s certificate' },
        rejectUnauthorized: { type: 'boolean', default: true },
      },
    },
  },
} as const;

export function checkSchemaRegistry(config: SchemaRegistryConfig, at = 'schemaRegistry'): string[] {
  const problems: string[] = [];
  const { basicAuth, bearerToken } = config;
  if (basicAuth !== undefined && bearerToken !== undefined) {
    problems.push(`${at}: basicAuth and bearerToken exclude each other (the registry takes one)`);
  }
  if (
    basicAuth !== undefined &&
    (basicAuth.password === undefined) === (basicAuth.passwordFile === undefined)
  ) {
    problems.push(`${at}.basicAuth: give exactly one of password (as \${env:NAME}) and passwordFile`);
  }
  if (
    bearerToken !== undefined &&
    (bearerToken.token === undefined) === (bearerToken.tokenFile === undefined)
  ) {
    problems.push(`${at}.bearerToken: give exactly one of token (as \${env:NAME}) and tokenFile`);
  }
  if (config.tls !== undefined && !config.url.startsWith('https://')) {
    problems.push(`${at}.tls: applies to an https:// url only`);
  }
  return problems;
}

type ClientArgs = ConstructorParameters<typeof SchemaRegistry>[0];

/** The client arguments for `config`, secret files read now (at start-up). */
export function registryClientArgs(
  config: SchemaRegistryConfig,
  at = 'schemaRegistry',
): Pick<ClientArgs, 'host' | 'auth' | 'middlewares' | 'agent'> {
  const args: Pick<ClientArgs, 'host' | 'auth' | 'middlewares' | 'agent'> = { host: config.url };
  const { basicAuth, bearerToken, tls } = config;
  if (basicAuth !== undefined) {
    const password =
      basicAuth.passwordFile === undefined
        ? (basicAuth.password ?? '')
        : readSecretFile(`${at}.basicAuth.passwordFile`, basicAuth.passwordFile);
    args.auth = { username: basicAuth.username, password };
  }
  if (bearerToken !== undefined) {
    const token =
      bearerToken.tokenFile === undefined
        ? (bearerToken.token ?? '')
        : readSecretFile(`${at}.bearerToken.tokenFile`, bearerToken.tokenFile);
    args.middlewares = [
      () => ({
        prepareRequest: (next) =>
          next().then((request) => request.enhance({ headers: { authorization: `Bearer ${token}` } })),
      }),
    ];
  }
  if (tls !== undefined) {
    args.agent = new Agent({
      keepAlive: true,
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.caFile === undefined ? {} : { ca: readSecretFile(`${at}.tls.caFile`, tls.caFile, 'pem') }),
    });
  }
  return args;
}
