/** Whether a loopback TCP port accepts connections: used to refuse to start on a taken port. */
import { createConnection } from 'node:net';
import { host } from './stack-config.ts';

export function portInUse(portNumber: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: portNumber });
    const done = (inUse: boolean) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
