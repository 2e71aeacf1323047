/**
 * One admin query against the ops database: a database that does not answer is OPS_UNAVAILABLE
 * (503, retry later), named as such, not an internal error.
 */
import type pg from 'pg';
import { isConnectionLoss } from '../sinks/ops/ops-outage.ts';
import { AdminError } from './admin-errors.ts';
import type { SqlQuery } from './register-query.ts';

export async function opsQuery<T>(ops: pg.Pool, query: SqlQuery): Promise<T[]> {
  try {
    return (await ops.query(query.text, [...query.values])).rows as T[];
  } catch (error) {
    if (isConnectionLoss(error))
      throw new AdminError('OPS_UNAVAILABLE', 'the ops database does not answer; try again shortly', {
        cause: error,
      });
    throw error;
  }
}
