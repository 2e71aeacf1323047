/**
 * Puts a sample ERP into the ERP databases, once: `seedErp` looks at what a database holds and
 * loads the sample only where it is missing. Used by seed-cli.ts, the demo and the tests.
 *
 * A complete load ends by writing a sample mark (size, seed, format) as the comment of the
 * `product` table, so "already seeded" is read from the database itself, not from a file beside it.
 */
import {
  defaultSettings,
  describeDatabase,
  erpTargets,
  type DatabaseSettings,
  type ErpTarget,
} from './connect.ts';
import { ErpError } from './erp-error.ts';
import { erpSizes, expectedRowCounts, type ErpSize, type SampleSpec } from './generate.ts';
import { openMariadbLoader } from './load-mariadb.ts';
import { openPostgresLoader } from './load-postgres.ts';
import type { ErpLoader, LoadProgress } from './loader.ts';
import { catalogTables, type ErpTable } from './rows.ts';

/** Bump when the schema or the generator changes what a sample holds: old marks then mismatch. */
const sampleFormat = 1;
const markPrefix = 'syncline sample ERP ';

export interface SampleMark {
  readonly format: number;
  readonly size: ErpSize;
  readonly seed: number;
}

export const formatMark = (mark: SampleMark): string => markPrefix + JSON.stringify(mark);

export function parseMark(comment: string | null): SampleMark | null {
  if (!comment?.startsWith(markPrefix)) return null;
  try {
    const value = JSON.parse(comment.slice(markPrefix.length)) as Partial<SampleMark>;
    if (typeof value.format !== 'number' || typeof value.seed !== 'number') return null;
    if (typeof value.size !== 'string' || !(value.size in erpSizes)) return null;
    return { format: value.format, size: value.size, seed: value.seed };
  } catch {
    return null;
  }
}

export interface SeedErpOptions {
  readonly target: ErpTarget | 'all';
  readonly size: ErpSize;
  /** Same seed -> same rows. Default 1. */
  readonly seed?: number;
  /** Drop the sample's tables and load again, whatever they hold. */
  readonly reset?: boolean;
  /**
   * What to do when a database holds a complete sample of another size or seed: `fail` (default,
   * the CLI: the user asked for something else) or `keep` it (the demo: any sample will do).
   */
  readonly otherSample?: 'fail' | 'keep';
  /** Other databases than the stack's ERP ones (tests use their own). */
  readonly databases?: Partial<Record<ErpTarget, DatabaseSettings>>;
  readonly onProgress?: (target: ErpTarget, progress: LoadProgress) => void;
}

export interface SeedOutcome {
  readonly target: ErpTarget;
  /** `loaded` into a database without the sample, `replaced` what was there, or `kept` it. */
  readonly action: 'loaded' | 'replaced' | 'kept';
  readonly mark: SampleMark;
  /** Rows per table of the sample (as loaded; activity may have edited them since). */
  readonly rows: Readonly<Record<ErpTable, number>>;
  readonly elapsedMs: number;
  /** One sentence for a person. */
  readonly message: string;
}

const took = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

const describeSample = (m: SampleMark): string => `the ${m.size} sample (seed ${m.seed})`;

/**
 * A kept sample may predate the current order interchange tables: they are replaced while empty.
 * Returns what to add to the outcome's sentence.
 */
async function ensureOrderTables(loader: ErpLoader, where: string): Promise<string> {
  try {
    const done = await loader.ensureOrderTables();
    return done === 'created' ? ' Its order interchange tables were brought up to date.' : '';
  } catch (error) {
    if (error instanceof ErpError)
      throw new ErpError(error.code, `${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

async function seedOne(target: ErpTarget, options: SeedErpOptions): Promise<SeedOutcome> {
  const started = performance.now();
  const settings = options.databases?.[target] ?? defaultSettings(target);
  const where = describeDatabase(target, settings);
  const wanted: SampleMark = { format: sampleFormat, size: options.size, seed: options.seed ?? 1 };
  const spec: SampleSpec = { products: erpSizes[wanted.size], seed: wanted.seed };
  const rows = expectedRowCounts(spec);
  const loader: ErpLoader =
    target === 'postgres' ? await openPostgresLoader(settings) : await openMariadbLoader(settings);
  try {
    const state = await loader.inspect();
    // The sample is its master data; the order tables are brought up to date on their own below.
    const complete = catalogTables.every((table) => state.tables.includes(table));
    const found = complete ? parseMark(state.mark) : null;
    if (!options.reset) {
      if (
        found &&
        found.size === wanted.size &&
        found.seed === wanted.seed &&
        found.format === wanted.format
      ) {
        const upgraded = await ensureOrderTables(loader, where);
        const message = `${where} already holds ${describeSample(found)}: nothing loaded (run with --reset to drop and reload it).${upgraded}`;
        return { target, action: 'kept', mark: found, rows, elapsedMs: performance.now() - started, message };
      }
      if (found && found.format === wanted.format && options.otherSample === 'keep') {
        const upgraded = await ensureOrderTables(loader, where);
        const message = `${where} holds ${describeSample(found)}: kept as it is.${upgraded}`;
        const kept = expectedRowCounts({ products: erpSizes[found.size], seed: found.seed });
        return {
          target,
          action: 'kept',
          mark: found,
          rows: kept,
          elapsedMs: performance.now() - started,
          message,
        };
      }
      if (found) {
        const what = found.format === wanted.format ? describeSample(found) : 'a sample from an older seeder';
        throw new ErpError(
          'SEEDED_DIFFERENTLY',
          `${where} already holds ${what}, not ${describeSample(wanted)}: run with --reset to drop it and load ${wanted.size}.`,
        );
      }
      // Tables without a mark and without rows are what an interrupted MariaDB load leaves:
      // nothing to lose, so they are simply replaced. With rows, they may be someone's work.
      if (state.tables.length > 0 && (await loader.hasRows(state.tables))) {
        throw new ErpError(
          'UNFINISHED_SAMPLE',
          `${where} has ERP tables with rows but no complete sample (${state.tables.join(', ')}), ` +
            `left by an interrupted load or made by something else: run with --reset to drop them and load ${wanted.size}.`,
        );
      }
    }
    const replace = state.tables.length > 0;
    try {
      await loader.load(spec, formatMark(wanted), {
        replace,
        onProgress: (progress) => options.onProgress?.(target, progress),
      });
    } catch (error) {
      if (error instanceof ErpError) throw error;
      throw new ErpError(
        'LOAD_FAILED',
        `${where}: loading ${describeSample(wanted)} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const elapsedMs = performance.now() - started;
    const counts = `${rows.product} products, ${rows.stock_level} stock levels, ${rows.price} prices, ${rows.customer} customers`;
    const how = !replace
      ? 'loaded'
      : options.reset
        ? 'dropped its ERP tables and loaded'
        : 'replaced its empty ERP tables with';
    const message = `${where}: ${how} ${describeSample(wanted)}: ${counts} in ${took(elapsedMs)}.`;
    return { target, action: replace ? 'replaced' : 'loaded', mark: wanted, rows, elapsedMs, message };
  } finally {
    await loader.close().catch(() => undefined);
  }
}

/** Seeds the target database(s) one after the other; the first failure stops and is thrown. */
export async function seedErp(options: SeedErpOptions): Promise<SeedOutcome[]> {
  if (!(options.size in erpSizes)) {
    throw new ErpError(
      'BAD_USAGE',
      `Unknown sample size ${options.size}: use one of ${Object.keys(erpSizes).join(', ')}.`,
    );
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new ErpError('BAD_USAGE', `The seed must be an integer, not ${options.seed}.`);
  }
  const targets = options.target === 'all' ? erpTargets : [options.target];
  const outcomes: SeedOutcome[] = [];
  for (const target of targets) outcomes.push(await seedOne(target, options));
  return outcomes;
}
