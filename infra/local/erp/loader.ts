/**
 * What seed.ts needs from a database to put a sample into it; load-postgres.ts and
 * load-mariadb.ts each implement it in their database's fastest bulk path.
 */
import type { SampleSpec } from './generate.ts';
import type { ErpTable } from './rows.ts';

export interface DatabaseState {
  /** Which of the sample's tables exist. */
  readonly tables: readonly ErpTable[];
  /** The sample mark on `product` (its table comment), written last by a complete load. */
  readonly mark: string | null;
}

export interface LoadProgress {
  readonly products: number;
  readonly of: number;
}

export interface ErpLoader {
  inspect(): Promise<DatabaseState>;
  /** Whether any of these existing tables holds a row. */
  hasRows(tables: readonly ErpTable[]): Promise<boolean>;
  /**
   * Creates the tables and loads the sample, then writes `mark`. With `replace`, drops the
   * sample's tables first. A failed load leaves no mark (PostgreSQL: nothing at all).
   */
  load(spec: SampleSpec, mark: string, options: LoadOptions): Promise<void>;
  /**
   * Makes the order interchange tables those of schema-orders-*.sql (their mark on `sales_order`):
   * `current` when they are, `created` when they were missing or of an older layout and held no
   * order. Older tables that hold orders are kept and refused (ORDERS_OUTDATED).
   */
  ensureOrderTables(): Promise<'current' | 'created'>;
  close(): Promise<void>;
}

export interface LoadOptions {
  readonly replace: boolean;
  readonly onProgress?: (progress: LoadProgress) => void;
}
