/**
 * Runs a processor as a member of a Kafka consumer group, exactly once: the group's tasks (one per
 * partition number) are spread over the running instances by the co-partitioned assigner, and each
 * task commits outputs, dead letters and input offsets in one Kafka transaction.
 *
 * Commit cadence: `commitIntervalMs` 0 commits after every fetched batch (lowest latency); a larger
 * value keeps a task's transaction open across batches until it is that old (fewer, larger
 * transactions: more throughput, more latency). A timer commits transactions left open when input
 * pauses.
 */
import type { Admin, Consumer, ICustomPartitioner, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Codecs } from '../codec/topic-codec.ts';
import { coPartitionedAssigner } from '../kafka/co-partitioned-assigner.ts';
import { watchConsumerLag, type ConsumerLagReporting } from '../kafka/consumer-lag.ts';
import type { EngineMetrics } from '../metrics.ts';
import type { Processor } from '../processor.ts';
import type { ConsumerReadiness } from '../readiness.ts';
import { removeStaleTaskFolders } from '../state/stale-task-folders.ts';
import { kafkajsTaskKafka } from './kafkajs-task-kafka.ts';
import { Task, type TaskDependencies } from './task.ts';

export interface ProcessingOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly processor: Processor;
  readonly codecs: Codecs;
  readonly stateDir: string;
  readonly metrics: EngineMetrics;
  readonly logger: Logger;
  readonly createPartitioner: ICustomPartitioner;
  readonly commitIntervalMs: number;
  /** Default true. False = at least once, for measuring what exactly-once costs. */
  readonly exactlyOnce?: boolean;
  readonly transactionTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  /** How long a fetch may wait for data: the floor of latency when input is sparse. */
  readonly maxWaitTimeMs?: number;
  /** kafkajs gave up on the consumer (a crash it does not restart from); the role decides. */
  readonly onFatal?: (error: Error) => void;
  /** Told when the consumer joins, rebalances, crashes, and when each task has started. */
  readonly readiness?: ConsumerReadiness;
  /**
   * How long the state folder of a task this instance no longer runs is kept (a task that comes
   * back within it restores only what it missed). Default 10 minutes.
   */
  readonly staleTaskFolderMs?: number;
  /** Exports the group's lag on the partitions this instance runs. */
  readonly lag?: ConsumerLagReporting;
}

export const defaultStaleTaskFolderMs = 600_000;

export interface RunningProcessor {
  /** Task ids this instance runs now. */
  tasks(): number[];
  stop(): Promise<void>;
}

export async function runProcessor(options: ProcessingOptions): Promise<RunningProcessor> {
  const { kafka, groupId, processor, logger } = options;
  const log = logger.child({ processor: processor.name, group: groupId });
  const tasks = new Map<number, Promise<Task>>();
  const admin: Admin = kafka.admin();
  await admin.connect();

  const consumer: Consumer = kafka.consumer({
    groupId,
    // The default, stated because exactly-once depends on it: aborted transactions are never seen.
    readUncommitted: false,
    partitionAssigners: [coPartitionedAssigner(() => [...tasks.keys()])],
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 100,
    retry: { retries: 10 },
  });

  const lagWatch = options.lag
    ? watchConsumerLag({ ...options.lag, admin, consumer, groupId, logger: log })
    : undefined;

  const exactlyOnce = options.exactlyOnce ?? true;
  const dependencies: TaskDependencies = {
    kafkaFor: kafkajsTaskKafka({
      kafka,
      admin,
      consumer,
      groupId,
      createPartitioner: options.createPartitioner,
      transactionTimeoutMs: options.transactionTimeoutMs ?? 60_000,
      exactlyOnce,
    }),
    groupId,
    processor,
    codecs: options.codecs,
    stateDir: options.stateDir,
    metrics: options.metrics,
    logger: log,
    exactlyOnce,
  };

  const assigned = new Map<number, { topic: string; partition: number }[]>();

  /** Commits what a task has pending and releases it; a task that failed to start has nothing. */
  async function stopped(starting: Promise<Task>): Promise<void> {
    const task = await starting.catch(() => undefined);
    if (task) await task.lock.run(() => task.stop());
  }

  // Stops under way, by task: a task removed from `tasks` (moved away, or the consumer crashed) may
  // still be committing its last transaction and writing its store. If the task comes back before
  // that ends, its new run must wait: started alongside, it read a checkpoint and state the old
  // run then moved on, and could run with a state lacking what the old run had just committed (a
  // CI run of the pipeline fault test lost a price update in the offers state, most likely so).
  const stopping = new Map<number, Promise<void>>();

  /** Starts a task, after the instance's previous run of the same task (if any) has stopped. */
  function startTask(id: number, inputs: { topic: string; partition: number }[]): void {
    options.readiness?.taskStarting(id);
    const previous = tasks.get(id);
    const stoppingBefore = stopping.get(id);
    const starting = (async () => {
      if (previous) await stopped(previous);
      await stoppingBefore?.catch(() => undefined);
      const began = Date.now();
      const task = await Task.start(dependencies, id, inputs);
      // How long the task's partitions stood still: fencing, settling offsets, restoring state.
      const seconds = (Date.now() - began) / 1000;
      options.metrics.taskStartSeconds.observe({ processor: processor.name }, seconds);
      log.info({ task: id, ms: Math.round(seconds * 1000) }, 'task started');
      return task;
    })();
    starting.then(
      // Only the current start counts: one that a rebalance replaced must not say ready.
      () => (tasks.get(id) === starting ? options.readiness?.taskStarted(id) : undefined),
      (error: unknown) => {
        log.error({ err: error, task: id }, 'task failed to start');
        if (tasks.get(id) === starting) tasks.delete(id);
      },
    );
    tasks.set(id, starting);
  }

  async function stopTask(id: number): Promise<void> {
    const starting = tasks.get(id);
    tasks.delete(id);
    if (!starting) return;
    const done: Promise<void> = stopped(starting).finally(() => {
      if (stopping.get(id) === done) stopping.delete(id);
    });
    stopping.set(id, done);
    await done;
  }

  // The assignment arrives with GROUP_JOIN: stop the tasks that moved away and (re)start every
  // assigned one, including those this instance keeps. kafkajs resets every partition's position to
  // the group's committed offset on each rebalance (a new OffsetManager per generation), so a kept
  // task would read again the records of its open transaction, or of a commit the coordinator has
  // not applied yet, with their effects already in its state: the engine fault test caught counts
  // running past the input. A restart commits what is pending, reads the settled offsets and seeks.
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assignment = payload.memberAssignment;
    const wanted = new Map<number, { topic: string; partition: number }[]>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions)
        wanted.set(partition, [...(wanted.get(partition) ?? []), { topic, partition }]);
    }
    for (const id of [...tasks.keys()]) if (!wanted.has(id)) void stopTask(id);
    assigned.clear();
    for (const [id, inputs] of wanted) assigned.set(id, inputs);
    options.readiness?.assigned([...wanted.keys()]);
    consumer.resume(Object.entries(assignment).map(([topic, partitions]) => ({ topic, partitions })));
    for (const [id, inputs] of wanted) startTask(id, inputs);
    log.info({ tasks: [...wanted.keys()].sort((a, b) => a - b) }, 'assignment');
  });

  // Folders of tasks that moved to another instance would otherwise stay on disk for good. The
  // check and the removal are synchronous, and a task is in `tasks` from the moment its start is
  // asked (before it opens its store) until its stop is asked, then in `stopping` until its last
  // store write: so no folder in use, or about to be, is removed.
  const staleTaskFolderMs = options.staleTaskFolderMs ?? defaultStaleTaskFolderMs;
  function removeFoldersOfTasksGone(): void {
    try {
      const removed = removeStaleTaskFolders({
        dir: `${options.stateDir}/${groupId}`,
        inUse: new Set([...tasks.keys(), ...stopping.keys()]),
        idleMs: staleTaskFolderMs,
        nowMs: Date.now(),
      });
      if (removed.length > 0) log.info({ removed }, 'removed the state folders of tasks gone elsewhere');
    } catch (error) {
      // Disk housekeeping never stops processing.
      log.warn({ err: error }, 'could not remove the state folders of tasks gone elsewhere');
    }
  }

  // A crash (kafkajs gave up on a fetch, a heartbeat or a rebalance) makes kafkajs restart the
  // consumer, which rejoins the group: forget every task so each starts again from its last commit.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.warn({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    for (const id of [...tasks.keys()]) void stopTask(id);
    options.readiness?.crashed(payload.error, payload.restart);
    if (!payload.restart) options.onFatal?.(payload.error);
  });
  consumer.on(consumer.events.REBALANCING, () => options.readiness?.rebalancing());

  await consumer.subscribe({ topics: [...processor.inputTopics], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    // One batch at a time (kafkajs's default), on purpose: a task's seek at start-up is only
    // guarded by kafkajs's `isStale()`, which is true while the seek is pending, not once the next
    // fetch has applied it. With batches processed side by side, a batch fetched before the seek
    // could be processed after it and its records processed twice; the fault tests caught that.
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const isStale = () => payload.isStale();
      if (!payload.isRunning() || isStale()) return;
      const starting = tasks.get(batch.partition);
      if (!starting) {
        // Its start failed (logged); try again, this batch will be fetched again after the seek.
        const inputs = assigned.get(batch.partition);
        if (inputs) startTask(batch.partition, inputs);
        return;
      }
      const task = await starting;
      // The task moved its partitions' positions when it started: this batch may be stale now.
      if (isStale()) return;
      // A task closed by a failed transaction (it logged why) is not an error of the consumer: an
      // error thrown from here that kafkajs deems non-retriable (a fenced producer, a closed task)
      // stops the consumer for good, and a CI run lost its offers role so. The task restarts from
      // its last commit instead. Checked under the lock, as a failing timed commit closes the task
      // while this batch waits for it.
      const outcome = await task.lock.run(async () => {
        if (!task.running) return undefined;
        try {
          return { last: await task.handleBatch(batch, () => payload.heartbeat(), options.commitIntervalMs) };
        } catch (error) {
          if (!task.running) return undefined;
          throw error;
        }
      });
      if (outcome === undefined) {
        const inputs = assigned.get(task.id) ?? [];
        if (task.fenced) {
          // Another instance runs this task now; wait for the group to tell us our new assignment.
          consumer.pause(inputs.map(({ topic, partition }) => ({ topic, partitions: [partition] })));
        } else if (tasks.get(task.id) === starting) {
          // Closed by a failed transaction: start it again from its last commit (once: a start
          // already under way replaced `starting` in the map).
          startTask(task.id, inputs);
        }
        return;
      }
      if (outcome.last !== undefined) payload.resolveOffset(outcome.last);
      await payload.heartbeat();
    },
  });

  const timer = setInterval(
    () => {
      for (const starting of tasks.values()) {
        void starting
          .then((task) =>
            task.running && task.due(options.commitIntervalMs)
              ? task.lock.run(() => task.commit())
              : undefined,
          )
          .catch((error: unknown) => log.error({ err: error }, 'timed commit failed'));
      }
    },
    Math.max(50, options.commitIntervalMs),
  );
  const housekeeping = setInterval(
    removeFoldersOfTasksGone,
    Math.min(60_000, Math.max(1000, staleTaskFolderMs / 2)),
  );

  return {
    tasks: () => [...tasks.keys()].sort((a, b) => a - b),
    async stop() {
      options.readiness?.stopping();
      clearInterval(timer);
      clearInterval(housekeeping);
      lagWatch?.stop();
      await consumer.stop();
      await Promise.all([...tasks.keys()].map(stopTask));
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
}
