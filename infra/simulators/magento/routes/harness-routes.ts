/**
 * `/__simulator/*`: the test harness's own routes (not Magento). Stats and the request log, fault injection
 * and reset. They sit outside `/rest`, so they are never rate limited, faulted or counted.
 */
import type { FastifyInstance } from 'fastify';
import { parseFault, type Fault } from '../faults.ts';
import type { RequestLogEntry, SimulatorStats } from '../request-stats.ts';
import { sendJson } from './magento-route.ts';

export type HarnessControls = {
  stats: () => SimulatorStats;
  requestsSince: (since: number) => RequestLogEntry[];
  inject: (fault: Fault) => void;
  clearFaults: () => void;
  reset: () => void;
};

export function harnessRoutes(app: FastifyInstance, controls: HarnessControls): Promise<void> {
  app.get('/__simulator/stats', async (_request, reply) => sendJson(reply, 200, controls.stats()));

  app.get('/__simulator/requests', async (request, reply) => {
    const { since } = request.query as { since?: string };
    const from = since === undefined ? 0 : Number(since);
    if (!Number.isFinite(from)) return sendJson(reply, 400, { error: 'since must be a number' });
    return sendJson(reply, 200, controls.requestsSince(from));
  });

  app.post('/__simulator/faults', async (request, reply) => {
    let fault: Fault;
    try {
      fault = parseFault(request.body);
    } catch (error) {
      return sendJson(reply, 400, { error: error instanceof Error ? error.message : String(error) });
    }
    controls.inject(fault);
    return sendJson(reply, 200, { injected: fault });
  });

  app.delete('/__simulator/faults', async (_request, reply) => {
    controls.clearFaults();
    return sendJson(reply, 200, { cleared: true });
  });

  app.post('/__simulator/reset', async (_request, reply) => {
    controls.reset();
    return sendJson(reply, 200, { reset: true });
  });
  return Promise.resolve();
}
