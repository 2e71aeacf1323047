/** What the admin API's routes share: the ops database and the page size limit. */
import type pg from 'pg';

export interface AdminDeps {
  readonly ops: pg.Pool;
  /** The most rows a page may ask for (admin.maxPageSize). */
  readonly maxPageSize: number;
}
