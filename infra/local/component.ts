/**
 * One part of the local stack (a broker, a database, ...), described as data the stack drives:
 * prepare its folder once, launch it, wait until it answers, run its first-start setup.
 */
import type { StackLayout } from './fetch.ts';
import type { LaunchSpec } from './processes.ts';
import type { PortName } from './stack-config.ts';

export interface Component {
  /** Short name used in file names and on the command line: `npm run stack:logs -- kafka`. */
  readonly name: string;
  readonly title: string;
  /** The ports it binds; each is checked to be free before it starts. */
  readonly ports: readonly PortName[];
  /** Components that must be healthy before this one starts. */
  readonly dependsOn: readonly string[];
  /** How long a cold start may take on a slow 2-core machine before we call it failed. */
  readonly startTimeoutMs: number;
  /** Where a person reaches it, printed by `up` and `status`. */
  endpoint(): string;
  /** Creates its data folder and configuration if missing. Idempotent. */
  prepare(stack: StackLayout): Promise<void>;
  launchSpec(stack: StackLayout): LaunchSpec;
  /** undefined when healthy, else why not (shown if it never becomes healthy). */
  unhealthyReason(): Promise<string | undefined>;
  /** Setup that needs the running server (roles, databases). Idempotent. */
  afterStart?(stack: StackLayout): Promise<void>;
  /** The signal of the server's clean shutdown, and how long to wait for it. */
  readonly stopSignal: NodeJS.Signals;
  readonly stopGraceMs: number;
}
