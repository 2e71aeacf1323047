/**
 * Keeps Debezium sources alive without a person: every `checkIntervalMs` it looks at each watched
 * connector's heartbeat and change topics; a connector whose topics stay quiet for `stallAfterMs`
 * is a stalled source, reported at once (metrics, a warning naming the connector and what Connect
 * says of it) and recovered by the steps of recovery-plan.ts. Every instance of the role observes and exports metrics; only the one for
 * which `acts()` is true takes action, so replicas do not restart a connector together.
 *
 * The Kafka, Connect and database access come in as functions: the loop is tested without them.
 */
import type { Logger } from 'pino';
import {
  heartbeatTopicOf,
  type CdcConfig,
  type ReplicationSlotConfig,
  type WatchedConnector,
} from './cdc-config.ts';
import type { CdcMetrics } from './cdc-metrics.ts';
import { recoveryStep, type ConnectorView, type RecoveryStep } from './recovery-plan.ts';
import type { SlotDatabase } from './slot-holder.ts';
import { StallDetector } from './stall-detector.ts';

export interface ConnectAccess {
  status(name: string): Promise<{ connector: { state: string }; tasks: readonly { state: string }[] } | null>;
  /** Restarts the connector and all of its tasks. */
  restart(name: string): Promise<void>;
}

export interface CdcWatchdogDependencies {
  readonly config: CdcConfig;
  /** The chosen topics' end offsets summed; undefined when none exists; throws when Kafka is away. */
  readonly endOffsetOfTopics: (chosen: (topic: string) => boolean) => Promise<bigint | undefined>;
  readonly connect: ConnectAccess;
  readonly slotDatabase: (slot: ReplicationSlotConfig) => SlotDatabase;
  readonly metrics: CdcMetrics;
  readonly logger: Logger;
  readonly acts: () => boolean;
  readonly now?: () => number;
}

export interface CdcWatchdog {
  /** One round of checks (the timer calls it; tests may too). */
  check(): Promise<void>;
  stop(): Promise<void>;
}

interface Watch {
  readonly connector: WatchedConnector;
  readonly detector: StallDetector;
  readonly slot: SlotDatabase | undefined;
  stalledSince: number | undefined;
  lastRestartAt: number | undefined;
  lastWaitReason: string | undefined;
}

export function startCdcWatchdog(dependencies: CdcWatchdogDependencies): CdcWatchdog {
  const { config, metrics } = dependencies;
  const now = dependencies.now ?? Date.now;
  const log = dependencies.logger.child({ component: 'cdc-watchdog' });
  const watches: Watch[] = config.connectors.map((connector) => ({
    connector,
    detector: new StallDetector(config.stallAfterMs, now()),
    slot: connector.replicationSlot && dependencies.slotDatabase(connector.replicationSlot),
    stalledSince: undefined,
    lastRestartAt: undefined,
    lastWaitReason: undefined,
  }));

  async function view(watch: Watch): Promise<ConnectorView> {
    const status = await dependencies.connect.status(watch.connector.name);
    const databaseReachable = watch.slot ? await watch.slot.reachable() : true;
    const slotHolder = watch.slot && databaseReachable ? await watch.slot.holder() : undefined;
    return {
      status: status && { connector: status.connector.state, tasks: status.tasks.map((t) => t.state) },
      databaseReachable,
      slotHolder,
    };
  }

  async function act(watch: Watch, step: RecoveryStep, at: number): Promise<void> {
    const name = watch.connector.name;
    if (step.action === 'wait') {
      if (step.reason !== watch.lastWaitReason)
        log.warn({ connector: name, reason: step.reason }, 'CDC stalled; waiting');
      watch.lastWaitReason = step.reason;
      return;
    }
    watch.lastWaitReason = undefined;
    if (step.action === 'end-slot-holder-and-restart' && watch.slot) {
      const ended = await watch.slot.endHolder(step.pid);
      metrics.recoveries.inc({ connector: name, action: 'end-slot-holder' });
      log.warn(
        { connector: name, pid: step.pid, ended, reason: step.reason },
        'ended the stale replication connection',
      );
    }
    await dependencies.connect.restart(name);
    watch.lastRestartAt = at;
    metrics.recoveries.inc({ connector: name, action: 'restart' });
    log.warn({ connector: name, reason: step.reason }, 'CDC stalled; restarted the connector and its tasks');
  }

  async function checkOne(watch: Watch): Promise<void> {
    const name = watch.connector.name;
    const heartbeatTopic = heartbeatTopicOf(watch.connector);
    const changePrefix = `${watch.connector.topicPrefix}.`;
    let endOffset: bigint | undefined;
    try {
      endOffset = await dependencies.endOffsetOfTopics(
        (topic) => topic === heartbeatTopic || topic.startsWith(changePrefix),
      );
    } catch (error) {
      // Kafka is away: no heartbeat can arrive, and Connect cannot work either. Judge once it is back.
      log.debug({ err: error, connector: name }, 'the connector topics are unreadable');
      return;
    }
    const at = now();
    const quietMs = watch.detector.observe({ endOffset, at });
    const stalled = watch.detector.stalled(quietMs);
    metrics.heartbeatAgeSeconds.set({ connector: name }, quietMs / 1000);
    metrics.stalled.set({ connector: name }, stalled ? 1 : 0);
    if (!stalled) {
      if (watch.stalledSince !== undefined)
        log.info({ connector: name, stalledMs: at - watch.stalledSince }, 'CDC resumed');
      watch.stalledSince = undefined;
      watch.lastRestartAt = undefined;
      watch.lastWaitReason = undefined;
      return;
    }
    if (watch.stalledSince === undefined) {
      watch.stalledSince = at;
      log.warn(
        { connector: name, heartbeatTopic, quietSeconds: Math.round(quietMs / 1000) },
        'CDC stalled: no Debezium heartbeat and no change',
      );
    }
    if (!dependencies.acts()) return;
    const memory = { quietSince: watch.detector.quietSince, lastRestartAt: watch.lastRestartAt };
    const step = recoveryStep(await view(watch), memory, at, config.restartGraceMs);
    await act(watch, step, at);
  }

  let checking: Promise<void> = Promise.resolve();
  const check = () => {
    checking = checking.then(async () => {
      for (const watch of watches) {
        await checkOne(watch).catch((error: unknown) =>
          log.error({ err: error, connector: watch.connector.name }, 'CDC watchdog check failed'),
        );
      }
    });
    return checking;
  };
  const timer = setInterval(() => void check(), config.checkIntervalMs);
  timer.unref();
  return {
    check,
    async stop() {
      clearInterval(timer);
      await checking;
    },
  };
}
