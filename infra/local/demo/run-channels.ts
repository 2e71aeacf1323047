/**
 * The demo's sales channels, which cannot run here for real: the Magento 2 simulator (the web
 * shop) and a webhook receiver (the marketplace's integration endpoint), on the fixed ports the
 * sample config's environment points at (syncline-roles.ts, stackEnv). The B2B portal is a real
 * table in the local PostgreSQL, created with the stack.
 */
import pg from 'pg';
import type { MagentoSimulator } from '../../simulators/magento/magento-simulator.ts';
import { startSampleMagento } from '../sample-magento.ts';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../simulators/webhook-receiver/webhook-receiver.ts';
import { portalPostgres, postgresUrl } from '../stack-config.ts';
import { localWebhookSecret, simulatorPorts } from '../syncline-roles.ts';
import { StackError } from '../stack-error.ts';
import { portInUse } from '../ports.ts';

export interface DemoChannels {
  readonly magento: MagentoSimulator;
  readonly webhook: WebhookReceiver;
  /** Offers listed in the portal's table. */
  portalListed(): Promise<number>;
  stop(): Promise<void>;
}

export async function runChannels(): Promise<DemoChannels> {
  for (const [what, port] of Object.entries(simulatorPorts)) {
    if (await portInUse(port)) {
      throw new StackError(
        'PORT_TAKEN',
        `port ${port} for the ${what} simulator is taken; stop what uses it (is another demo running?)`,
      );
    }
  }
  const magento = await startSampleMagento({ port: simulatorPorts.magento });
  const webhook = await startWebhookReceiver({ secret: localWebhookSecret, port: simulatorPorts.webhook });
  const portal = new pg.Pool({ connectionString: postgresUrl(portalPostgres()), max: 1 });
  return {
    magento,
    webhook,
    async portalListed() {
      const result = await portal.query<{ n: string }>('SELECT count(*) AS n FROM portal.offer WHERE listed');
      return Number(result.rows[0]?.n ?? 0);
    },
    async stop() {
      await Promise.all([magento.close(), webhook.close(), portal.end()]);
    },
  };
}
