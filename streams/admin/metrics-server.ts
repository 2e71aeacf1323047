/**
 * The HTTP face every role shows: `/healthz` (the process is alive), `/readyz` (it has joined its
 * group and runs tasks) and `/metrics` for Prometheus, on a fastify server bound to the configured
 * address. The operator console and register API join this server in their own plugins later.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  readonly ready: () => boolean;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = options.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'starting' });
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', options.registry.contentType).send(await options.registry.metrics());
  });
  await app.listen({ host: options.host, port: options.port });
  return app;
}
