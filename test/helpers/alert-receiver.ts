/**
 * The webhook receiver the local Alertmanager routes every alert to (its address is the stack's
 * SYNCLINE_ALERT_RECEIVER_PORT): it keeps what arrives, each alert with the time it arrived, for
 * a test to wait on.
 */
import { createServer, type Server } from 'node:http';
import { host, port } from '../../infra/local/stack-config.ts';

/** One alert of an Alertmanager webhook notification (its version 4 payload). */
export interface ReceivedAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  /** When the notification reached the receiver (ms). */
  readonly receivedAt: number;
}

export interface AlertReceiver {
  readonly alerts: readonly ReceivedAlert[];
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const alerts: ReceivedAlert[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      try {
        const notification = JSON.parse(body) as { alerts: Omit<ReceivedAlert, 'receivedAt'>[] };
        const receivedAt = Date.now();
        for (const alert of notification.alerts) alerts.push({ ...alert, receivedAt });
        response.writeHead(200).end();
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port('alertReceiver'), host, resolve);
  });
  return {
    alerts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
