/**
 * Applies connector definitions to Kafka Connect idempotently: validate with Connect, create or
 * update only what differs, then wait until the connector and every task run. Re-running with
 * nothing changed touches nothing. A connector found FAILED with an unchanged config has its
 * failed parts restarted once (a database that was down when it failed may be back).
 */
import { ConnectClient } from './connect-client.ts';
import { ConnectorError } from './connector-error.ts';
import { defaultConnectorFiles, readConnectorFile, type ConnectorDefinition } from './connector-file.ts';
import { summarizeTrace } from './connector-trace.ts';
import { validationErrors } from './validate.ts';

export interface ApplyOptions {
  /** Kafka Connect's REST address; default SYNCLINE_CONNECT_URL or the local stack's. */
  readonly connectUrl?: string;
  /** Definition files; default every `connectors/*.json`. */
  readonly files?: readonly string[];
  /** How long each connector may take to reach RUNNING. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export type ApplyAction = 'created' | 'updated' | 'unchanged';

export interface ApplyOutcome {
  readonly name: string;
  readonly action: ApplyAction;
  readonly tasks: number;
}

export function defaultConnectUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.SYNCLINE_CONNECT_URL ?? `http://127.0.0.1:${env.SYNCLINE_CONNECT_PORT ?? '8083'}`;
}

export async function applyConnectors(options: ApplyOptions = {}): Promise<ApplyOutcome[]> {
  const client = new ConnectClient(options.connectUrl ?? defaultConnectUrl());
  const definitions = (options.files ?? defaultConnectorFiles()).map(readConnectorFile);
  const log = options.log ?? (() => undefined);
  const outcomes: ApplyOutcome[] = [];
  for (const definition of definitions) {
    const outcome = await applyConnector(client, definition, options.timeoutMs ?? 120_000);
    log(`${definition.name.padEnd(16)} ${outcome.action}, RUNNING with ${outcome.tasks} task(s)`);
    outcomes.push(outcome);
  }
  return outcomes;
}

export async function applyConnector(
  client: ConnectClient,
  definition: ConnectorDefinition,
  timeoutMs: number,
): Promise<ApplyOutcome> {
  const desired = { ...definition.config, name: definition.name };
  const errors = validationErrors(await client.validate(desired), desired);
  if (errors.length > 0) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `Connect refuses connector ${definition.name} (${definition.file}): ${errors.join('; ')}`,
    );
  }
  const current = await client.config(definition.name);
  let action: ApplyAction = 'unchanged';
  if (current === null) action = 'created';
  else if (!sameConfig(current, desired)) action = 'updated';
  if (action !== 'unchanged') await client.putConfig(definition.name, definition.config);
  else if (isFailed(await client.status(definition.name))) await client.restartFailed(definition.name);
  const tasks = await waitUntilRunning(client, definition.name, timeoutMs);
  return { name: definition.name, action, tasks };
}

function sameConfig(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

function isFailed(status: Awaited<ReturnType<ConnectClient['status']>>): boolean {
  return status !== null && [status.connector, ...status.tasks].some((part) => part.state === 'FAILED');
}

/**
 * Polls the status until the connector and all its tasks are RUNNING twice in a row: right after
 * an update Connect may still report the old tasks as RUNNING while it restarts them.
 */
async function waitUntilRunning(client: ConnectClient, name: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let runningSeen = 0;
  let lastState = 'not created yet';
  while (Date.now() < deadline) {
    const status = await client.status(name);
    if (status !== null) {
      if (status.connector.state === 'FAILED') {
        throw new ConnectorError(
          'CONNECTOR_FAILED',
          `connector ${name} FAILED: ${summarizeTrace(status.connector.trace)}`,
        );
      }
      const failedTask = status.tasks.find((task) => task.state === 'FAILED');
      if (failedTask !== undefined) {
        throw new ConnectorError(
          'CONNECTOR_FAILED',
          `connector ${name} task ${failedTask.id} FAILED: ${summarizeTrace(failedTask.trace)}`,
        );
      }
      const running =
        status.connector.state === 'RUNNING' &&
        status.tasks.length > 0 &&
        status.tasks.every((task) => task.state === 'RUNNING');
      runningSeen = running ? runningSeen + 1 : 0;
      if (runningSeen >= 2) return status.tasks.length;
      lastState = `connector ${status.connector.state}, tasks ${status.tasks.map((t) => t.state).join(',') || 'none yet'}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new ConnectorError(
    'NOT_RUNNING_IN_TIME',
    `connector ${name} was not RUNNING after ${Math.round(timeoutMs / 1000)} s (last seen: ${lastState})`,
  );
}
