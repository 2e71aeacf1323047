/**
 * The Admin API on the real stack: the pipeline runs as the README runs it (ingest, offers, the
 * web shop's sink to the Magento simulator, the register index, the admin role) on the sample ERP,
 * with the web shop requiring a brand. One product is refused by Magento (a sink park), another
 * loses its brand in the ERP (an offers park, and a delisting). The API's answers are then checked
 * against the register and dead letters as indexed (SQL over the ops database): the problems with
 * their sentences, each record's story back to its ERP row, search and counts, paging while new
 * entries are indexed; and both problems close by themselves once a fixed version is delivered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { applyConnectors } from '../../connectors/apply.ts';
import { topicNameOf } from '../../streams/contracts/topics.ts';
import { connectPostgres } from '../../infra/local/erp/connect.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { startSampleMagento } from '../../infra/local/sample-magento.ts';
import { opsPostgres, postgresUrl } from '../../infra/local/stack-config.ts';
import { sampleConfigFile, type RoleProcess } from '../../infra/local/syncline-roles.ts';
import type { MagentoSimulator } from '../../infra/simulators/magento/magento-simulator.ts';
import { magentoProduct } from '../helpers/magento-catalog.ts';
import { startRole } from '../helpers/pipeline.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let erp: pg.Client;
let ops: pg.Client;
let magento: MagentoSimulator;
let api: string;
const roles: RoleProcess[] = [];
/** Refused by Magento; parked by the web shop's sink. */
let refused: string;
/** Loses its brand in the ERP; parked by the offers processor. */
let unbranded: { sku: string; brand: string };
/** Edited while the register is paged. */
let edited: string;
/** When the test edited its products in the ERP (ERP clock, ms). */
let touchedAt: number;
const startedAt = new Date();

/** The sample config with the web shop requiring a brand, its own state folder, any free ports. */
function configFile(magentoUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-admin-'));
  const config = parse(readFileSync(sampleConfigFile, 'utf8')) as Record<string, unknown> & {
    channels: { id: string; requiredFields?: string[]; sink?: Record<string, unknown> }[];
  };
  config.processing = { ...(config.processing as object), stateDir: join(dir, 'state') };
  config.metrics = {
    host: '127.0.0.1',
    ports: { ingest: 0, offers: 0, sink: 0, 'register-index': 0, admin: 0 },
  };
  const webshop = config.channels.find((c) => c.id === 'webshop')!;
  webshop.requiredFields = ['brand'];
  webshop.sink = {
    ...webshop.sink,
    settings: {
      ...(webshop.sink?.settings as object),
      baseUrl: magentoUrl,
      auth: { type: 'integration', tokenEnv: 'SYNCLINE_MAGENTO_TOKEN' },
    },
  };
  const file = join(dir, 'syncline.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

type Json = Record<string, unknown>;

async function get<T = Json>(path: string, expected = 200): Promise<T> {
  const response = await fetch(`${api}${path}`);
  const body = (await response.json()) as T;
  assert.equal(response.status, expected, `GET ${path}: ${JSON.stringify(body)}`);
  return body;
}

const query = (params: Record<string, string | number | readonly string[] | undefined>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, String(one));
  }
  return search.toString();
};

interface Problem {
  stage: string;
  channel: string | null;
  key: string;
  code: string;
  sentence: string;
  state: string;
  parkedAt: string;
  closedAt: string | null;
  closedBy: { channel: string; partition: number; offset: string } | null;
  source: { topic: string; partition: number; offset: string; key: string | null };
  erp: { source: string | null; table: string | null; position: string | null; commitAt: string | null };
}

async function problemsOf(key: string, state: string, stage?: string): Promise<Problem[]> {
  const page = await get<{ problems: Problem[] }>(
    `/problems/records?${query({ channel: 'webshop', key, state, stage })}`,
  );
  return page.problems;
}

function rolesTail(): string {
  return roles
    .map((role) =>
      role
        .output()
        .split('\n')
        .filter((line) => /"level":(40|50|60)/.test(line))
        .slice(-8)
        .join('\n'),
    )
    .join('\n---\n');
}

before(async () => {
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
  erp = await connectPostgres();
  ops = new pg.Client({ connectionString: postgresUrl(opsPostgres()) });
  await ops.connect();
  const found = await erp.query<{ sku: string; brand: string }>(
    `SELECT p.sku, p.brand FROM erp.product p
      WHERE p.parent_sku IS NULL AND p.active AND p.brand IS NOT NULL AND p.ean IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM erp.product v WHERE v.parent_sku = p.sku)
        AND EXISTS (SELECT 1 FROM erp.price r WHERE r.sku = p.sku AND r.price_list_code = 'B2C-EUR')
      ORDER BY p.sku LIMIT 12`,
  );
  assert.equal(
    found.rows.length,
    12,
    'the tiny sample has twelve standalone products with a brand and a price',
  );
  [refused, unbranded, edited] = [found.rows[0]!.sku, found.rows[1]!, found.rows[2]!.sku];
  magento = await startSampleMagento();
  magento.inject({ kind: 'reject-sku', skus: [refused], attribute: 'ean' });
  const config = configFile(magento.url);
  for (const [role, args] of [
    ['ingest', []],
    ['offers', []],
    ['sink', ['--channel', 'webshop']],
    ['register-index', []],
    ['admin', []],
  ] as const) {
    roles.push(await startRole(role, config, { args: [...args] }));
  }
  api = roles.at(-1)!.metricsUrl!.replace(/\/metrics$/, '/api/v1');
  // The pipeline's groups may have read the sample already (an earlier run, another test on this
  // stack) and this Magento simulator starts empty: an edit of each of the test's products sends
  // it through every stage again while the test watches (Magento refuses the first), and gives the
  // register enough entries to page through.
  const touched = await erp.query<{ at: Date }>(
    `UPDATE erp.product
        SET name = CASE WHEN name LIKE '% ~' THEN left(name, -2) ELSE name || ' ~' END, updated_at = now()
      WHERE sku = ANY($1) RETURNING now() AS at`,
    [found.rows.map((r) => r.sku)],
  );
  touchedAt = touched.rows[0]!.at.getTime();
});

after(async () => {
  await Promise.all(roles.map((role) => role.stop()));
  await magento?.close();
  await erp?.end();
  await ops?.end();
});

describe('the Admin API on the real stack', { timeout: 240_000 }, () => {
  it('shows a record Magento refused as an open sink problem, and its story back to the ERP row', async () => {
    interface Story {
      versions: {
        channelRecord: { topic: string; partition: number; offset: string; operation: string };
        erp: Problem['erp'];
        outcome: string;
        attempts: {
          status: string;
          httpStatus: number | null;
          channelError: string | null;
          sentence: string;
        }[];
      }[];
      problems: Problem[];
    }
    // The register entries of a key are indexed in order (one register partition per key): once
    // the story ends in PARKED for the test's edit, every earlier entry of the key is in it.
    const story = await waitUntil(
      `the story of ${refused} to end in PARKED for the test's edit`,
      async () => {
        const found = await get<Story>(`/channels/webshop/records/${encodeURIComponent(refused)}/story`);
        const newest = found.versions[0];
        // The dead letters are indexed by a group of their own, possibly later: until the park is
        // in, the story shows the key's previous sink problem (an earlier run's, closed).
        return newest?.outcome === 'PARKED' &&
          Date.parse(newest.erp.commitAt ?? '') >= touchedAt &&
          found.problems.some((p) => p.stage === 'sink' && p.source.offset === newest.channelRecord.offset)
          ? found
          : undefined;
      },
      150_000,
      500,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${rolesTail()}`);
    });
    const parked = story.versions[0]!;
    // The dead letters are indexed by a group of their own: the problem may come a little later.
    const problem = await waitUntil(
      `the sink park of ${refused} among the open problems`,
      async () =>
        (await problemsOf(refused, 'open', 'sink')).find(
          (p) => p.source.offset === parked.channelRecord.offset,
        ),
      30_000,
      500,
    );
    assert.equal(problem.channel, 'webshop');
    assert.equal(problem.code, 'MISSING_ATTRIBUTE');
    assert.match(
      problem.sentence,
      new RegExp(`refused offer ${refused}\\b.*The "ean" attribute value is empty`),
    );
    assert.equal(problem.source.topic, 'channel.webshop.offer.v1');
    assert.ok(problem.erp.source && problem.erp.table && problem.erp.position && problem.erp.commitAt);
    assert.deepEqual(
      [parked.channelRecord.topic, parked.channelRecord.partition, parked.channelRecord.offset],
      [problem.source.topic, problem.source.partition, problem.source.offset],
      'the story names the channel record the problem parked',
    );
    assert.equal(parked.channelRecord.operation, 'UPSERT');
    assert.deepEqual(parked.erp, problem.erp, 'back to the same ERP row as the dead letter');
    const last = parked.attempts.at(-1)!;
    assert.equal(last.status, 'PARKED');
    assert.match(last.channelError ?? '', /The "ean" attribute value is empty/);
    // On the web shop the sink park is the key's only problem, and it is open.
    assert.deepEqual(
      story.problems.filter((p) => p.channel !== null).map((p) => [p.stage, p.channel, p.state]),
      [['sink', 'webshop', 'open']],
    );
    // The story also holds the key's problems of no channel: the sample ERP has every warehouse's
    // stock rows in both databases, and ingest parks those of a warehouse their source does not
    // own (NOT_OWNED). One problem per stage and channel, as the dead-letter index holds them.
    const stages = await ops.query<{ stage: string; channel: string | null }>(
      `SELECT DISTINCT stage, channel FROM dead_letter WHERE key = $1 AND (channel = 'webshop' OR channel IS NULL)`,
      [refused],
    );
    const byStage = (a: readonly [string, string], b: readonly [string, string]) =>
      `${a[0]}/${a[1]}`.localeCompare(`${b[0]}/${b[1]}`);
    assert.deepEqual(
      story.problems.map((p) => [p.stage, p.channel ?? ''] as const).sort(byStage),
      stages.rows.map((r) => [r.stage, r.channel ?? ''] as const).sort(byStage),
    );
    // Every entry of the key in the index is in the story, once.
    const indexed = await ops.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync_register WHERE channel = 'webshop' AND key = $1`,
      [refused],
    );
    assert.equal(
      story.versions.reduce((n, v) => n + v.attempts.length, 0),
      indexed.rows[0]!.n,
    );
  });

  it('shows a product the offers processor parked as an open problem, which its delisting does not close', async () => {
    await waitUntil(
      `Magento to list ${unbranded.sku}`,
      async () => ((await magentoProduct(magento.url, unbranded.sku))?.status === 1 ? true : undefined),
      120_000,
      500,
    );
    await erp.query(`UPDATE erp.product SET brand = NULL, updated_at = now() WHERE sku = $1`, [
      unbranded.sku,
    ]);
    const [problem] = await waitUntil(
      `the offers park of ${unbranded.sku}`,
      async () => {
        // Parked for the test's own edit, not for an older one (an earlier run on this stack).
        const open = (await problemsOf(unbranded.sku, 'open', 'offers')).filter(
          (p) => Date.parse(p.erp.commitAt ?? '') > touchedAt,
        );
        return open.length > 0 ? open : undefined;
      },
      60_000,
      500,
    );
    assert.equal(problem!.code, 'MISSING_REQUIRED_FIELD');
    assert.equal(problem!.sentence, `product ${unbranded.sku} has no brand, which channel webshop requires`);
    assert.deepEqual([problem!.erp.source, problem!.erp.table], ['postgres', 'erp.product']);
    // The web shop groups variants, so every product reaches its channel view through the offers
    // processor's family topic (a family of one for a standalone product): the park names that record.
    assert.equal(problem!.source.topic, topicNameOf('offersFamily'));
    // The park delists the product; that delivery is no later version of it.
    const delisted = await waitUntil(
      `the delisting of ${unbranded.sku} delivered`,
      async () => {
        const page = await get<{ entries: { operation: string; recordedAt: string }[] }>(
          `/register?${query({ channel: 'webshop', key: unbranded.sku, status: 'DELIVERED', from: problem!.parkedAt })}`,
        );
        return page.entries.find((e) => e.operation === 'DELIST');
      },
      60_000,
      500,
    );
    assert.ok(delisted.recordedAt >= problem!.parkedAt);
    assert.equal(
      (await problemsOf(unbranded.sku, 'open', 'offers')).length,
      1,
      'still open after the delisting',
    );
    const groups = await get<{
      groups: { stage: string; channel: string | null; code: string; count: number }[];
    }>(`/problems?${query({ channel: 'webshop' })}`);
    for (const [stage, code] of [
      ['sink', 'MISSING_ATTRIBUTE'],
      ['offers', 'MISSING_REQUIRED_FIELD'],
    ])
      assert.ok(
        groups.groups.some((g) => g.stage === stage && g.code === code && g.count >= 1),
        `a ${stage} group ${code}: ${JSON.stringify(groups)}`,
      );
  });

  it('searches and counts as SQL over the index does, and pages with no gap or repeat while entries are indexed', async () => {
    const from = startedAt.toISOString();
    const sqlRows = async (status?: string) =>
      (
        await ops.query<{ p: number; o: string }>(
          `SELECT register_partition AS p, register_offset AS o FROM sync_register
            WHERE channel = 'webshop' AND recorded_at >= $1 ${status ? 'AND status = $2' : ''}
            ORDER BY recorded_at DESC, register_partition DESC, register_offset DESC`,
          status ? [startedAt, status] : [startedAt],
        )
      ).rows.map((r) => `${r.p}@${r.o}`);
    // Quiet first: nothing older than the first page may still be on its way into the index.
    let previous = -1;
    await waitUntil(
      'the register index to settle',
      async () => {
        const now = (await sqlRows()).length;
        const settled = now === previous;
        previous = now;
        return settled ? true : undefined;
      },
      60_000,
      3000,
    );
    const snapshot = await sqlRows();
    assert.ok(snapshot.length >= 10, `${snapshot.length} register entries since the test began`);
    const limit = Math.max(3, Math.ceil(snapshot.length / 6));
    const paged: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await get<{
        entries: { register: { partition: number; offset: string } }[];
        nextCursor: string | null;
      }>(`/register?${query({ channel: 'webshop', from, limit, cursor })}`);
      paged.push(...page.entries.map((e) => `${e.register.partition}@${e.register.offset}`));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
      if (pages <= 2) {
        // A newer entry indexed between two pages: it belongs to a newer search, not to this one.
        const before = (await sqlRows()).length;
        await erp.query(`UPDATE erp.product SET name = name || '.', updated_at = now() WHERE sku = $1`, [
          edited,
        ]);
        await waitUntil(
          'the edit delivered and indexed',
          async () => ((await sqlRows()).length > before ? true : undefined),
          60_000,
          300,
        );
      }
    } while (cursor !== undefined);
    assert.ok(pages >= 5, `${pages} pages`);
    assert.equal(new Set(paged).size, paged.length, 'no entry twice');
    assert.deepEqual(paged, snapshot, 'the pages are the index as it was at the first page, in order');
    assert.ok((await sqlRows()).length > snapshot.length, 'entries were indexed while paging');

    const parked = await get<{
      entries: { register: { partition: number; offset: string }; status: string }[];
    }>(`/register?${query({ channel: 'webshop', from, status: 'PARKED', limit: 500 })}`);
    assert.deepEqual(
      parked.entries.map((e) => `${e.register.partition}@${e.register.offset}`),
      await sqlRows('PARKED'),
    );

    const counts = await get<{ counts: { channel: string; status: string; count: number }[] }>(
      `/register/counts?${query({ from })}`,
    );
    const expected = await ops.query<{ channel: string; status: string; count: number }>(
      `SELECT channel, status, count(*)::int AS count FROM sync_register WHERE recorded_at >= $1
        GROUP BY channel, status ORDER BY channel, status`,
      [startedAt],
    );
    assert.deepEqual(counts.counts, expected.rows);
    const byKey = await get<{ counts: { channel: string; status: string; count: number }[] }>(
      `/register/counts?${query({ from, channel: 'webshop', by: 'key' })}`,
    );
    const latest = await ops.query<{ channel: string; status: string; count: number }>(
      `SELECT channel, status, count(*)::int AS count FROM (
         SELECT DISTINCT ON (key) channel, key, status FROM sync_register
          WHERE recorded_at >= $1 AND channel = 'webshop' AND scope = 'RECORD'
          ORDER BY key, recorded_at DESC, register_partition DESC, register_offset DESC) l
        GROUP BY channel, status ORDER BY channel, status`,
      [startedAt],
    );
    assert.deepEqual(byKey.counts, latest.rows);

    const missing = await get(`/channels/webshop/records/NO-SUCH-SKU-${Date.now()}/story`, 404);
    assert.equal(missing.error, 'RECORD_NOT_FOUND');
  });

  it('closes both problems by themselves once a fixed version of each key is delivered', async () => {
    magento.clearFaults();
    await erp.query(`UPDATE erp.product SET name = name || ' (fixed)', updated_at = now() WHERE sku = $1`, [
      refused,
    ]);
    await erp.query(`UPDATE erp.product SET brand = $2, updated_at = now() WHERE sku = $1`, [
      unbranded.sku,
      unbranded.brand,
    ]);
    for (const [key, stage] of [
      [refused, 'sink'],
      [unbranded.sku, 'offers'],
    ] as const) {
      const [closed] = await waitUntil(
        `the ${stage} problem of ${key} closed`,
        async () => {
          const found = await problemsOf(key, 'closed', stage);
          return found.length > 0 ? found : undefined;
        },
        90_000,
        500,
      );
      assert.equal(closed!.closedBy?.channel, 'webshop');
      assert.ok(Date.parse(closed!.closedAt!) >= Date.parse(closed!.parkedAt), 'closed after it was parked');
      assert.deepEqual(await problemsOf(key, 'open', stage), [], `no open ${stage} problem of ${key}`);
      const closing = await ops.query<{ status: string; operation: string }>(
        `SELECT status, operation FROM sync_register WHERE register_partition = $1 AND register_offset = $2`,
        [closed!.closedBy.partition, closed!.closedBy.offset],
      );
      assert.equal(closing.rows[0]!.status, 'DELIVERED');
      assert.equal(closing.rows[0]!.operation, 'UPSERT');
    }
    assert.equal((await magentoProduct(magento.url, unbranded.sku))?.status, 1, 'listed again');
  });
});
