/**
 * The HTTP face every role shows: `/healthz` (the process is alive), `/readyz` (every consumer of
 * the role has joined its group and runs all of its tasks; 503 otherwise, with each consumer's
 * state) and `/metrics` for Prometheus, on a fastify server bound to the configured
 * address. The admin role adds its API here as a plugin (`routes`), under its own prefix.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { SynclineError } from '../runtime/errors.ts';
import type { ReadinessReport } from '../runtime/readiness.ts';

export interface MetricsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  readonly readiness: () => ReadinessReport;
  /** More routes, as an encapsulated plugin under `prefix` (the admin API). */
  readonly routes?: { readonly prefix: string; readonly plugin: (app: FastifyInstance) => Promise<void> };
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<FastifyInstance> {
  // Unknown request parameters are refused by name, not dropped silently (fastify's default).
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, consumers } = options.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', consumers });
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', options.registry.contentType).send(await options.registry.metrics());
  });
  if (options.routes) await app.register(options.routes.plugin, { prefix: options.routes.prefix });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new SynclineError(
      'PORT_TAKEN',
      `the metrics port ${options.host}:${options.port} is taken (is this role already running?); set metrics.ports in the config or pass --metrics-port (0 = any free port)`,
      false,
      { cause: error },
    );
  }
  return app;
}
