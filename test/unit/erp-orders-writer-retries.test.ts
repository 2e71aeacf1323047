/**
 * The ERP order writer's handling of database failures, with a double at its own seam to the
 * database (the OrderStore): lock conflicts tried again with growing pauses, then a retriable
 * error; an unreachable database retriable at once; anything unknown not retriable. The real
 * databases' side of it is in test/integration/erp-order-writer.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { createErpOrderWriter } from '../../streams/sinks/erp-orders/erp-order-writer.ts';
import type { ErpOrderWrite } from '../../streams/sinks/erp-orders/erp-order-write.ts';
import { classifyMariadbError } from '../../streams/sinks/erp-orders/mariadb-order-store.ts';
import type { OrderStore, OrderStoreFailure } from '../../streams/sinks/erp-orders/order-store.ts';
import { classifyPostgresError } from '../../streams/sinks/erp-orders/postgres-order-store.ts';
import { orderCommand } from '../helpers/order-commands.ts';

const done: ErpOrderWrite = { outcome: 'unchanged', why: 'same-command', erpOrderId: '7', message: 'done' };

/** A store whose transactions fail with `failures` (classified as given), then answer `done`. */
function failingStore(failures: OrderStoreFailure[]) {
  const calls = { transactions: 0 };
  const store: OrderStore = {
    database: 'postgres',
    table: (name) => name,
    transaction<T>(): Promise<T> {
      const failure = failures[calls.transactions++];
      if (failure === undefined) return Promise.resolve(done as T);
      return Promise.reject(Object.assign(new Error(`simulated ${failure}`), { failure }));
    },
    classify: (error) => (error as { failure: OrderStoreFailure }).failure,
    close: () => Promise.resolve(),
  };
  return { store, calls };
}

describe('createErpOrderWriter on database failures', () => {
  test('a lock conflict is tried again after a jittered pause that grows', async () => {
    const { store, calls } = failingStore(['conflict', 'conflict']);
    const pauses: number[] = [];
    const writer = createErpOrderWriter(store, {
      sleep: (ms) => (pauses.push(ms), Promise.resolve()),
      random: () => 0.5,
    });
    assert.equal(await writer.write(orderCommand()), done);
    assert.equal(calls.transactions, 3);
    assert.deepEqual(pauses, [30, 60]);
  });

  test('conflicts beyond the attempts are a retriable error naming the order', async () => {
    const { store, calls } = failingStore(Array.from({ length: 10 }, () => 'conflict' as const));
    const writer = createErpOrderWriter(store, { conflictAttempts: 3, sleep: () => Promise.resolve() });
    await assert.rejects(writer.write(orderCommand()), (error: unknown) => {
      assert.ok(error instanceof SynclineError);
      assert.equal(error.retriable, true);
      assert.match(
        error.message,
        /^order 100000123 from webshop: lost 3 lock conflicts in a row: simulated conflict/,
      );
      return true;
    });
    assert.equal(calls.transactions, 3);
  });

  test('an unreachable database is retriable at once; an unknown failure is not retriable', async () => {
    for (const [failure, retriable] of [
      ['unavailable', true],
      ['other', false],
    ] as const) {
      const { store, calls } = failingStore([failure]);
      const writer = createErpOrderWriter(store, { sleep: () => Promise.resolve() });
      await assert.rejects(writer.write(orderCommand()), { code: 'ERP_ORDER_WRITE', retriable });
      assert.equal(calls.transactions, 1);
    }
  });
});

describe('reading the drivers errors', () => {
  test('PostgreSQL SQLSTATEs', () => {
    assert.equal(classifyPostgresError({ code: '40P01' }), 'conflict');
    assert.equal(classifyPostgresError({ code: '40001' }), 'conflict');
    assert.equal(classifyPostgresError({ code: '23503' }), 'unknown-reference');
    assert.equal(classifyPostgresError({ code: '23514' }), 'constraint');
    assert.equal(classifyPostgresError({ code: '57P01' }), 'unavailable');
    assert.equal(
      classifyPostgresError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })),
      'unavailable',
    );
    assert.equal(classifyPostgresError({ code: '42P01' }), 'other');
  });

  test('MariaDB error numbers', () => {
    assert.equal(classifyMariadbError({ errno: 1213 }), 'conflict');
    assert.equal(classifyMariadbError({ errno: 1452 }), 'unknown-reference');
    assert.equal(classifyMariadbError({ errno: 4025 }), 'constraint');
    assert.equal(classifyMariadbError({ errno: 2013 }), 'unavailable');
    assert.equal(classifyMariadbError({ errno: 1146 }), 'other');
    assert.equal(classifyMariadbError({ fatal: true }), 'unavailable');
  });
});
