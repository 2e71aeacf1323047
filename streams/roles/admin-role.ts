/**
 * The admin role: the operator's API (streams/admin/) over the ops database's indexes of the sync
 * register and the dead letters, served under `/api/v1` next to `/healthz`, `/readyz` and
 * `/metrics` on `metrics.ports.admin`. It reads no Kafka: the register-index role keeps the
 * indexes; it is ready while the ops database answers.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { adminApi, adminApiPrefix } from '../admin/admin-api.ts';
import { startMetricsServer } from '../admin/metrics-server.ts';
import type { SynclineConfig } from '../config/syncline-config.ts';
import { SynclineError } from '../runtime/errors.ts';
import { openOpsDatabase } from '../sinks/ops/ops-database.ts';

/** The version of the API (its OpenAPI document's), not of the package. */
export const adminApiVersion = '1.0.0';
const pingEveryMs = 5_000;

export interface AdminRoleOptions {
  readonly config: SynclineConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Overrides the config's port; 0 = any free port. */
  readonly port?: number;
}

export interface RunningAdmin {
  readonly server: FastifyInstance;
  stop(): Promise<void>;
}

export async function startAdminRole(options: AdminRoleOptions): Promise<RunningAdmin> {
  const { config, logger } = options;
  if (!config.ops) throw new SynclineError('SINK_SETUP', 'ops.databaseUrl is required by the admin role');
  const ops = await openOpsDatabase(config.ops.databaseUrl, 4);
  let opsAnswers = true;
  const ping = async () => {
    const answered = await ops.query('SELECT 1').then(
      () => true,
      () => false,
    );
    if (answered !== opsAnswers)
      logger[answered ? 'info' : 'warn'](
        answered ? 'ops database answers again' : 'ops database does not answer; not ready',
      );
    opsAnswers = answered;
  };
  const timer = setInterval(() => void ping(), pingEveryMs);
  timer.unref();
  let server: FastifyInstance;
  try {
    server = await startMetricsServer({
      host: config.metrics.host,
      port: options.port ?? config.metrics.ports.admin,
      registry: options.registry,
      readiness: () => ({ ready: opsAnswers, consumers: {} }),
      routes: {
        prefix: adminApiPrefix,
        plugin: (app) =>
          adminApi(app, { ops, maxPageSize: config.admin.maxPageSize, version: adminApiVersion }),
      },
    });
  } catch (error) {
    clearInterval(timer);
    await ops.end();
    throw error;
  }
  return {
    server,
    async stop() {
      clearInterval(timer);
      await server.close();
      await ops.end();
    },
  };
}
