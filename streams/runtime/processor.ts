/**
 * What a processor is to the engine (STYLE habit 1: topology apart from wiring): a pure function
 * from one input record and the task's state to the records it emits and the records it parks.
 * The engine owns Kafka, transactions, codecs and state persistence; a processor owns none of it,
 * so the same processor runs in a unit test with a plain in-memory StateView.
 */
import type { StateView } from './state/task-state.ts';

export interface InputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** Decoded by the topic's input codec; null for a tombstone. */
  readonly value: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestampMs: number;
}

export interface OutputRecord {
  readonly topic: string;
  readonly key: string;
  /** Encoded by the topic's output codec; null writes a tombstone. */
  readonly value: unknown;
  /** Lineage and other headers; when absent the input record's lineage headers are carried over. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Why a record is parked: a stable machine-readable code and the sentence an operator reads. */
export interface Parked {
  readonly code: string;
  readonly message: string;
  readonly sku?: string;
  readonly channel?: string;
}

export type Emission =
  | { readonly kind: 'record'; readonly record: OutputRecord }
  | { readonly kind: 'park'; readonly reason: Parked };

export interface ProcessContext {
  readonly state: StateView;
  /**
   * True while the engine replays already-committed input to rebuild state: the processor must
   * update its state exactly as it did the first time; its emissions are dropped.
   */
  readonly restoring: boolean;
}

export interface Processor {
  readonly name: string;
  readonly inputTopics: readonly string[];
  /** A string that changes whenever the state's meaning changes (config, version): old stores are wiped. */
  readonly stateSignature: string;
  /** The dead-letter topic for a parked record. */
  dlqTopic(reason: Parked): string;
  process(record: InputRecord, context: ProcessContext): readonly Emission[];
}
