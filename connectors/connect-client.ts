/**
 * The few Kafka Connect REST calls syncline needs, with Connect's own error text kept. Connect
 * answers errors as `{ "error_code": 409, "message": "..." }`; that message is what reaches the
 * operator.
 */
import { ConnectorError } from './connector-error.ts';

export interface ConnectorStatus {
  readonly name: string;
  readonly connector: { readonly state: string; readonly trace?: string };
  readonly tasks: readonly { readonly id: number; readonly state: string; readonly trace?: string }[];
}

export interface ValidationResult {
  readonly error_count: number;
  readonly configs: readonly {
    readonly value: {
      readonly name: string;
      readonly value?: string | null;
      readonly errors: readonly string[];
    };
  }[];
}

export class ConnectClient {
  constructor(readonly url: string) {}

  /** The connector's stored config, or null when no such connector exists. */
  async config(name: string): Promise<Record<string, string> | null> {
    return this.call<Record<string, string>>(
      'GET',
      `/connectors/${encodeURIComponent(name)}/config`,
      undefined,
      [404],
    );
  }

  /** Creates the connector or replaces its config (Connect's idempotent upsert). */
  async putConfig(name: string, config: Readonly<Record<string, string>>): Promise<void> {
    await this.call('PUT', `/connectors/${encodeURIComponent(name)}/config`, { ...config, name });
  }

  async status(name: string): Promise<ConnectorStatus | null> {
    return this.call<ConnectorStatus>(
      'GET',
      `/connectors/${encodeURIComponent(name)}/status`,
      undefined,
      [404],
    );
  }

  /** Restarts the connector and only its failed tasks (KIP-745). */
  async restartFailed(name: string): Promise<void> {
    await this.call(
      'POST',
      `/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=true`,
    );
  }

  /**
   * Restarts the connector and all its tasks, running or not (KIP-745): what the CDC watchdog asks
   * for when a task reports RUNNING but reads nothing.
   */
  async restartAll(name: string): Promise<void> {
    await this.call(
      'POST',
      `/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=false`,
    );
  }

  async remove(name: string): Promise<void> {
    await this.call('DELETE', `/connectors/${encodeURIComponent(name)}`, undefined, [404]);
  }

  /** Connect's config validation: every setting's errors, including the connector's own checks. */
  async validate(config: Readonly<Record<string, string>>): Promise<ValidationResult> {
    const connectorClass = config['connector.class'] ?? '';
    const result = await this.call<ValidationResult>(
      'PUT',
      `/connector-plugins/${encodeURIComponent(connectorClass)}/config/validate`,
      config,
    );
    return result!;
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    absentOn: number[] = [],
  ): Promise<T | null> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(90_000),
      });
    } catch (error) {
      throw new ConnectorError(
        'CONNECT_UNREACHABLE',
        `Kafka Connect at ${this.url} does not answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}); is the stack up? (npm run stack:up)`,
        { cause: error },
      );
    }
    if (absentOn.includes(response.status)) return null;
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // Not JSON (a proxy's page, say): the raw text is the best we have.
      }
      throw new ConnectorError(
        'CONNECT_REFUSED',
        `Kafka Connect refused ${method} ${path} (HTTP ${response.status}): ${message}`,
      );
    }
    return text === '' ? null : (JSON.parse(text) as T);
  }
}
