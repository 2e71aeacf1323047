/**
 * The db-table adapter against the local stack's PostgreSQL, in the sample portal's database: a
 * table of its own per run (shaped like portal.offer), dropped after. Upserts, repeats, updates,
 * both delist modes, bad rows among good ones, and the failures that are not a row's fault.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { ensurePortalSchema } from '../../infra/local/portal/portal-schema.ts';
import { portalPostgres, postgresUrl } from '../../infra/local/stack-config.ts';
import type { Offer } from '../../streams/contracts/channel-offer.ts';
import { validateConfig } from '../../streams/runtime/config/validate-config.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { dbTableAdapter, type DbTableSettings } from '../../streams/sinks/adapters/db-table/index.ts';
import {
  ChannelCallError,
  type AdapterContext,
  type ChannelAdapter,
  type Delivery,
} from '../../streams/sinks/channel-adapter.ts';

const suffix = randomBytes(4).toString('hex');
const table = `portal.offer_test_${suffix}`;
const urlEnv = `SYNCLINE_TEST_PORTAL_URL_${suffix.toUpperCase()}`;
const url = postgresUrl(portalPostgres());

const context: AdapterContext = {
  http: {
    request: () => Promise.reject(new Error('the db-table adapter must not make HTTP calls')),
  },
  logger: pino({ level: 'silent' }),
  signal: new AbortController().signal,
};

function offer(sku: string, overrides: Partial<Offer> = {}): Offer {
  return {
    channel: 'b2b-portal',
    sku,
    parentSku: null,
    name: `Product ${sku}`,
    description: 'A product.',
    ean: '2000000000015',
    brand: 'Nordwand',
    category: 'Apparel',
    attributes: { color: 'red' },
    price: { amount: '19.90', currency: 'EUR' },
    quantity: 4,
    variants: [],
    fields: { gtin: '2000000000015', manufacturer: 'Nordwand' },
    ...overrides,
  };
}

/** Each delivery a new version of its key, as the runner's topic positions make them. */
let revisions = 0;
const upsert = (
  value: Offer,
  contentHash = `h-${value.sku}-${value.quantity}-${value.price.amount}`,
): Delivery => ({
  key: value.sku,
  offer: value,
  contentHash,
  revision: `0:${++revisions}`,
});
const delist = (key: string): Delivery => ({
  key,
  offer: null,
  contentHash: 'tombstone',
  revision: `0:${++revisions}`,
});

function create(extra: Record<string, unknown> = {}): ChannelAdapter {
  const settings = validateConfig<DbTableSettings>(
    dbTableAdapter.settingsSchema,
    { urlEnv, table, ...extra },
    'settings',
  );
  return dbTableAdapter.create(settings, 'b2b-portal');
}

interface Row {
  sku: string;
  parent_sku: string | null;
  name: string;
  price: string;
  currency: string;
  quantity: number;
  fields: unknown;
  offer: Offer;
  content_hash: string;
  listed: boolean;
  version: string;
}

async function expectCallError(promise: Promise<unknown>): Promise<ChannelCallError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ChannelCallError, `expected a ChannelCallError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('db-table adapter on PostgreSQL', () => {
  const db = new pg.Pool({ connectionString: url, max: 2 });
  let adapter: ChannelAdapter;

  async function row(sku: string): Promise<Row | undefined> {
    // xmin changes with every write of the row: it tells whether an upsert touched it.
    const result = await db.query<Row>(`SELECT *, xmin::text AS version FROM ${table} WHERE sku = $1`, [sku]);
    return result.rows[0];
  }

  before(async () => {
    await ensurePortalSchema(url);
    await db.query(`CREATE TABLE ${table} (LIKE portal.offer INCLUDING ALL)`);
    process.env[urlEnv] = url;
    adapter = create();
  });
  after(async () => {
    await adapter.close();
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
    delete process.env[urlEnv];
  });

  it('upserts a batch, money as exact decimals', async () => {
    const batch = [
      upsert(offer('SKU-1')),
      upsert(offer('SKU-2', { parentSku: 'SKU-P', price: { amount: '1234567890.12', currency: 'EUR' } })),
    ];
    assert.deepEqual(await adapter.deliver(batch, context), [
      { kind: 'delivered', status: null },
      { kind: 'delivered', status: null },
    ]);
    const first = await row('SKU-1');
    assert.equal(first?.price, '19.90');
    assert.equal(first?.currency, 'EUR');
    assert.equal(first?.quantity, 4);
    assert.equal(first?.listed, true);
    assert.equal(first?.content_hash, 'h-SKU-1-4-19.90');
    assert.deepEqual(first?.fields, { gtin: '2000000000015', manufacturer: 'Nordwand' });
    assert.deepEqual(first?.offer, offer('SKU-1'));
    const second = await row('SKU-2');
    assert.equal(second?.price, '1234567890.12');
    assert.equal(second?.parent_sku, 'SKU-P');
  });

  it('leaves a row alone when the same offer comes again', async () => {
    const batch = [upsert(offer('SKU-3'))];
    await adapter.deliver(batch, context);
    const before = await row('SKU-3');
    assert.deepEqual(await adapter.deliver(batch, context), [{ kind: 'delivered', status: null }]);
    assert.equal((await row('SKU-3'))?.version, before?.version);
  });

  it('updates a row whose offer changed', async () => {
    await adapter.deliver([upsert(offer('SKU-4'))], context);
    await adapter.deliver(
      [upsert(offer('SKU-4', { quantity: 9, price: { amount: '21.50', currency: 'EUR' } }))],
      context,
    );
    const updated = await row('SKU-4');
    assert.equal(updated?.quantity, 9);
    assert.equal(updated?.price, '21.50');
    assert.equal(updated?.content_hash, 'h-SKU-4-9-21.50');
  });

  it('delists by keeping the row unlisted, and relists the same offer', async () => {
    const same = upsert(offer('SKU-5'));
    await adapter.deliver([same, upsert(offer('SKU-6'))], context);
    assert.deepEqual(
      await adapter.deliver([delist('SKU-5'), upsert(offer('SKU-6', { quantity: 1 }))], context),
      [
        { kind: 'delivered', status: null },
        { kind: 'delivered', status: null },
      ],
    );
    const delisted = await row('SKU-5');
    assert.equal(delisted?.listed, false);
    assert.equal(delisted?.name, 'Product SKU-5');
    assert.equal((await row('SKU-6'))?.quantity, 1);
    await adapter.deliver([same], context);
    assert.equal((await row('SKU-5'))?.listed, true);
  });

  it('delists by deleting the row when deleteOnDelist is set', async () => {
    const deleting = create({ deleteOnDelist: true });
    try {
      await deleting.deliver([upsert(offer('SKU-7'))], context);
      assert.ok(await row('SKU-7'));
      assert.deepEqual(await deleting.deliver([delist('SKU-7'), delist('SKU-NEVER-SEEN')], context), [
        { kind: 'delivered', status: null },
        { kind: 'delivered', status: null },
      ]);
      assert.equal(await row('SKU-7'), undefined);
    } finally {
      await deleting.close();
    }
  });

  it('rejects bad rows with PostgreSQL words and lands the rest of the batch', async () => {
    const outcomes = await adapter.deliver(
      [
        upsert(offer('SKU-GOOD-1')),
        upsert(offer('SKU-NEG-QTY', { quantity: -1 })),
        upsert(offer('SKU-NEG-PRICE', { price: { amount: '-1.00', currency: 'EUR' } })),
        upsert(offer('SKU-NAN', { price: { amount: 'abc', currency: 'EUR' } })),
        upsert(offer('SKU-CUR', { price: { amount: '1.00', currency: 'EURO' } })),
        delist('SKU-1'),
        upsert(offer('SKU-GOOD-2')),
      ],
      context,
    );
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['delivered', 'rejected', 'rejected', 'rejected', 'rejected', 'delivered', 'delivered'],
    );
    const rejection = (index: number) => {
      const outcome = outcomes[index];
      assert.ok(outcome?.kind === 'rejected');
      return outcome;
    };
    assert.equal(rejection(1).code, 'CONSTRAINT_VIOLATION');
    assert.match(
      rejection(1).channelError,
      /violates check constraint "offer_quantity_not_negative" \(Failing row/,
    );
    assert.match(rejection(2).channelError, /offer_price_not_negative/);
    assert.equal(rejection(3).code, 'INVALID_DATA');
    assert.match(rejection(3).channelError, /invalid input syntax for type numeric: "abc"/);
    assert.equal(rejection(4).code, 'INVALID_DATA');
    assert.match(rejection(4).channelError, /too long for type character\(3\)/);
    assert.ok(await row('SKU-GOOD-1'));
    assert.ok(await row('SKU-GOOD-2'));
    assert.equal((await row('SKU-1'))?.listed, false);
    assert.equal(await row('SKU-NEG-QTY'), undefined);
  });

  it("refuses the whole channel, not the call's records, when the table does not exist", async () => {
    const missing = create({ table: `portal.no_such_table_${suffix}` });
    try {
      const error = await expectCallError(missing.deliver([upsert(offer('SKU-X'))], context));
      assert.equal(error.details.transient, false);
      assert.equal(error.details.code, 'SQLSTATE_42P01');
      assert.equal(error.details.channelWide, true);
      assert.match(error.message, /does not exist/);
    } finally {
      await missing.close();
    }
  });

  it('retries when the database cannot be reached', async () => {
    const unreachableEnv = `${urlEnv}_UNREACHABLE`;
    process.env[unreachableEnv] = 'postgresql://portal_app:portal_app@127.0.0.1:1/b2b_portal';
    const unreachable = create({ urlEnv: unreachableEnv });
    try {
      const error = await expectCallError(unreachable.deliver([upsert(offer('SKU-X'))], context));
      assert.equal(error.details.transient, true);
      assert.equal(error.details.code, 'NETWORK');
    } finally {
      await unreachable.close();
      delete process.env[unreachableEnv];
    }
  });

  it('retries when a lock outlasts the statement timeout', async () => {
    await adapter.deliver([upsert(offer('SKU-LOCKED'))], context);
    const patient = create({ statementTimeoutMs: 200 });
    const holder = await db.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM ${table} WHERE sku = 'SKU-LOCKED' FOR UPDATE`);
      const error = await expectCallError(
        patient.deliver([upsert(offer('SKU-LOCKED', { quantity: 5 }))], context),
      );
      assert.equal(error.details.transient, true);
      assert.equal(error.details.code, 'SQLSTATE_57014');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await patient.close();
    }
    assert.equal((await row('SKU-LOCKED'))?.quantity, 4);
  });

  it('refuses to start without its database URL, naming the variable', () => {
    const unset = `${urlEnv}_UNSET`;
    assert.throws(
      () => create({ urlEnv: unset }),
      (error: Error) =>
        error instanceof SynclineError &&
        error.code === 'SINK_SETUP' &&
        error.message.includes(`environment variable ${unset}`) &&
        error.message.includes('not set'),
    );
  });

  it('accepts only a plain schema.table name', () => {
    for (const bad of ['offer', 'portal.offer; DROP TABLE x', 'Portal.Offer', 'a.b.c']) {
      assert.throws(() => create({ table: bad }), /table/);
    }
  });
});
