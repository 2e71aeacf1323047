/**
 * Contract tests of the Magento 2 REST simulator, written from the documented payloads
 * (/work/shared/notes/CHANNEL-APIS.md §1 and the Magento sources it cites), over real HTTP with fetch.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import {
  startMagentoSimulator,
  type MagentoSimulator,
  type MagentoSimulatorOptions,
} from '../../infra/simulators/magento/magento-simulator.ts';
import { RequestStats } from '../../infra/simulators/magento/request-stats.ts';
import { TokenBucket } from '../../infra/simulators/magento/token-bucket.ts';

const TOKEN = 'sim-integration-token';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const started: MagentoSimulator[] = [];

after(async () => {
  await Promise.all(started.map((simulator) => simulator.close()));
});

async function start(options: MagentoSimulatorOptions = {}): Promise<MagentoSimulator> {
  const simulator = await startMagentoSimulator({ bulkProcessingDelayMs: 40, ...options });
  started.push(simulator);
  return simulator;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function call(
  simulator: MagentoSimulator,
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; signal?: AbortSignal } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

type Product = {
  id: number;
  sku: string;
  name: string;
  price: number;
  status: number;
  extension_attributes: { stock_item: { item_id: number; qty: number; is_in_stock: boolean } };
  custom_attributes: { attribute_code: string; value: unknown }[];
};

type BulkAccepted = {
  bulk_uuid: string;
  request_items: {
    id: number;
    status: string;
    data_hash?: string;
    error_message?: string;
    error_code?: number;
  }[];
  errors: boolean;
};

type BulkStatus = {
  operations_list: { id: number; status: number; result_message: string | null; error_code: number | null }[];
  bulk_id: string;
  operation_count: number;
  user_type: number;
  description: string;
};

const saveBody = (product: Record<string, unknown>): unknown => ({ product, saveOptions: true });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function bulkStatus(simulator: MagentoSimulator, uuid: string): Promise<BulkStatus> {
  const answer = await call(simulator, 'GET', `/rest/V1/bulk/${uuid}/status`);
  assert.equal(answer.status, 200, answer.text);
  return answer.json as BulkStatus;
}

async function settledBulk(simulator: MagentoSimulator, uuid: string): Promise<BulkStatus> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const status = await bulkStatus(simulator, uuid);
    if (status.operations_list.every((operation) => operation.status !== 4)) return status;
    await sleep(10);
  }
  throw new Error(`bulk ${uuid} never left status 4`);
}

describe('magento simulator: authentication', () => {
  it('trades admin credentials for a bare JSON string token that opens the API', async () => {
    const magento = await start();
    const bad = await call(magento, 'POST', '/rest/V1/integration/admin/token', {
      username: 'admin',
      password: 'x',
    });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, {
      message:
        'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.',
    });

    const good = await call(magento, 'POST', '/rest/V1/integration/admin/token', {
      username: 'admin',
      password: 'admin123',
    });
    assert.equal(good.status, 200);
    assert.match(good.text, /^"[\w.-]+"$/, 'a bare JSON string');
    const token = good.json as string;
    const read = await call(magento, 'GET', '/rest/V1/products/NOPE', undefined, { token });
    assert.equal(read.status, 404, 'past the ACL check');

    const missing = await call(magento, 'POST', '/rest/V1/integration/admin/token', { username: 'admin' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, {
      message: '"%fieldName" is required. Enter and try again.',
      parameters: { fieldName: 'password' },
    });
  });

  it('answers 401 with the resource for a missing or unknown token, naming the route ACL', async () => {
    const magento = await start();
    const none = await call(magento, 'GET', '/rest/V1/products/A', undefined, { token: null });
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, {
      message: "The consumer isn't authorized to access %resources.",
      parameters: { resources: 'Magento_Catalog::products' },
    });
    const wrong = await call(
      magento,
      'POST',
      '/rest/V1/inventory/source-items',
      { sourceItems: [] },
      { token: 'x' },
    );
    assert.equal(wrong.status, 401);
    assert.deepEqual((wrong.json as { parameters: unknown }).parameters, {
      resources: 'Magento_InventoryApi::stock_source_item_assign',
    });
  });

  it('refuses integration tokens as Bearer when bearer integration is off (2.4.4+ default), admin tokens still work', async () => {
    const magento = await start({ bearerIntegration: false });
    const refused = await call(magento, 'GET', '/rest/V1/products/A');
    assert.equal(refused.status, 401);
    assert.equal(
      (refused.json as { message: string }).message,
      "The consumer isn't authorized to access %resources.",
    );
    const token = (
      await call(magento, 'POST', '/rest/V1/integration/admin/token', {
        username: 'admin',
        password: 'admin123',
      })
    ).json as string;
    assert.equal((await call(magento, 'GET', '/rest/V1/products/A', undefined, { token })).status, 404);
  });
});

describe('magento simulator: products', () => {
  it('upserts by SKU: POST then PUT of the same SKU is one product, an omitted status is kept, repeats are idempotent', async () => {
    const magento = await start();
    const created = await call(
      magento,
      'POST',
      '/rest/V1/products',
      saveBody({ sku: 'UP-1', name: 'Lamp', price: 10, status: 2, type_id: 'simple' }),
    );
    assert.equal(created.status, 200, created.text);
    const first = created.json as Product & { created_at: string; updated_at: string };
    assert.equal(typeof first.id, 'number');
    assert.match(first.created_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(first.extension_attributes.stock_item.item_id, first.id);

    const body = saveBody({ sku: 'UP-1', name: 'Lamp', price: 12 });
    const updated = (await call(magento, 'PUT', '/rest/V1/products/UP-1', body)).json as Product;
    const again = (await call(magento, 'PUT', '/rest/default/V1/products/UP-1', body)).json as Product;
    assert.equal(updated.id, first.id);
    assert.equal(updated.status, 2, 'status omitted, so kept');
    assert.equal(updated.price, 12);
    assert.deepEqual({ ...again, updated_at: null }, { ...updated, updated_at: null });

    // POST with an existing SKU updates too, and SKUs match case-insensitively (ProductRepository::prepareSku).
    const viaPost = (
      await call(magento, 'POST', '/rest/all/V1/products', saveBody({ sku: 'up-1', status: 1 }))
    ).json as Product;
    assert.equal(viaPost.id, first.id);
    assert.equal(viaPost.name, 'Lamp');
    assert.equal(magento.stats().products, 1);

    // PUT of an unknown SKU creates it.
    const fresh = await call(
      magento,
      'PUT',
      '/rest/V1/products/UP-2',
      saveBody({ sku: 'UP-2', name: 'Desk' }),
    );
    assert.equal(fresh.status, 200);
    assert.notEqual((fresh.json as Product).id, first.id);
    assert.equal(magento.stats().products, 2);
  });

  it('takes the SKU from the URL only when the body is just {"product":{...}} (Rest\\Request override rule)', async () => {
    const magento = await start();
    const single = await call(magento, 'PUT', '/rest/V1/products/URL-SKU', { product: { name: 'From URL' } });
    assert.equal((single.json as Product).sku, 'URL-SKU');
    const withOptions = await call(magento, 'PUT', '/rest/V1/products/URL-SKU', saveBody({ name: 'No SKU' }));
    assert.equal(withOptions.status, 400);
    assert.deepEqual(withOptions.json, {
      message: 'The "%1" attribute value is empty. Set the attribute and try again.',
      parameters: ['sku'],
    });
  });

  it('answers 404 with Magento bodies for an unknown product and an unknown route; DELETE answers true', async () => {
    const magento = await start();
    const missing = await call(magento, 'GET', '/rest/V1/products/NOPE');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, {
      message: "The product that was requested doesn't exist. Verify the product and try again.",
    });
    assert.equal((await call(magento, 'DELETE', '/rest/V1/products/NOPE')).status, 404);
    const noRoute = await call(magento, 'GET', '/rest/V1/no-such-thing');
    assert.equal(noRoute.status, 404);
    assert.deepEqual(noRoute.json, { message: 'Request does not match any route.' });

    await call(magento, 'POST', '/rest/V1/products', saveBody({ sku: 'DEL-1', name: 'Gone' }));
    const deleted = await call(magento, 'DELETE', '/rest/V1/products/DEL-1');
    assert.equal(deleted.status, 200);
    assert.equal(deleted.text, 'true');
    assert.equal((await call(magento, 'GET', '/rest/V1/products/DEL-1')).status, 404);
  });

  it('refuses invalid products with 400 and raw placeholders', async () => {
    const magento = await start({ requiredAttributes: ['name', 'ean'] });
    const noEan = await call(magento, 'POST', '/rest/V1/products', saveBody({ sku: 'V-1', name: 'x' }));
    assert.equal(noEan.status, 400);
    assert.deepEqual(noEan.json, {
      message: 'The "%1" attribute value is empty. Set the attribute and try again.',
      parameters: ['ean'],
    });
    const withEan = await call(
      magento,
      'POST',
      '/rest/V1/products',
      saveBody({
        sku: 'V-1',
        name: 'x',
        custom_attributes: [{ attribute_code: 'ean', value: '4006381333931' }],
      }),
    );
    assert.equal(withEan.status, 200, withEan.text);

    const badStatus = await call(
      magento,
      'PUT',
      '/rest/V1/products/V-1',
      saveBody({ sku: 'V-1', status: 7 }),
    );
    assert.equal(badStatus.status, 400);
    assert.equal((badStatus.json as { message: string }).message, 'Invalid product data: %1');
    const negative = await call(magento, 'PUT', '/rest/V1/products/V-1', saveBody({ sku: 'V-1', price: -1 }));
    assert.deepEqual(negative.json, { message: 'Please enter a number 0 or greater in this field.' });
    const wrongType = await call(
      magento,
      'PUT',
      '/rest/V1/products/V-1',
      saveBody({ sku: 'V-1', price: 'cheap' }),
    );
    assert.equal(wrongType.status, 400);
    assert.equal(
      (wrongType.json as { message: string }).message,
      'Error occurred during "%field_name" processing. %details',
    );
    const garbled = await call(magento, 'POST', '/rest/V1/products', '{"product":');
    assert.equal(garbled.status, 400);
    assert.deepEqual(garbled.json, { message: 'Decoding error.' });
  });

  it('validates configurable links like the ConfigurableProduct save plugin', async () => {
    const magento = await start();
    const color = (await call(magento, 'GET', '/rest/V1/products/attributes/color')).json as {
      attribute_id: number;
      options: { label: string; value: string }[];
    };
    const red = color.options.find((option) => option.label === 'Red')?.value;
    const blue = color.options.find((option) => option.label === 'Blue')?.value;
    const ids: number[] = [];
    for (const [sku, value] of [
      ['TEE-RED', red],
      ['TEE-BLUE', blue],
      ['TEE-RED-2', red],
    ] as const) {
      const child = await call(
        magento,
        'POST',
        '/rest/V1/products',
        saveBody({ sku, name: sku, price: 9, custom_attributes: [{ attribute_code: 'color', value }] }),
      );
      ids.push((child.json as Product).id);
    }
    const options = [{ attribute_id: String(color.attribute_id), label: 'Color', position: 0, values: [] }];
    const parent = (links: number[]): unknown =>
      saveBody({
        sku: 'TEE',
        name: 'Tee',
        type_id: 'configurable',
        extension_attributes: { configurable_product_options: options, configurable_product_links: links },
      });
    const ok = await call(magento, 'POST', '/rest/V1/products', parent([ids[0]!, ids[1]!]));
    assert.equal(ok.status, 200, ok.text);
    const same = await call(magento, 'POST', '/rest/V1/products', parent([ids[0]!, ids[2]!]));
    assert.equal(same.status, 400);
    assert.deepEqual(same.json, {
      message: 'Products "%1" and "%2" have the same set of attribute values.',
      parameters: [ids[2], ids[0]],
    });
    assert.equal((await call(magento, 'POST', '/rest/V1/products', parent([9999]))).status, 404);
  });
});

describe('magento simulator: search', () => {
  it('pages with pageSize/currentPage, repeats the last page past the end, and filters by sku/status', async () => {
    const magento = await start();
    for (let n = 1; n <= 5; n += 1) {
      await call(
        magento,
        'POST',
        '/rest/V1/products',
        saveBody({ sku: `S-${n}`, name: `P${n}`, status: n === 5 ? 2 : 1 }),
      );
    }
    const page = async (
      query: string,
    ): Promise<{ items: Product[]; total_count: number; search_criteria: unknown }> =>
      (await call(magento, 'GET', `/rest/V1/products?${query}`)).json as {
        items: Product[];
        total_count: number;
        search_criteria: unknown;
      };
    const second = await page('searchCriteria[pageSize]=2&searchCriteria[currentPage]=2');
    assert.deepEqual(
      second.items.map((item) => item.sku),
      ['S-3', 'S-4'],
    );
    assert.equal(second.total_count, 5);
    const last = await page('searchCriteria[pageSize]=2&searchCriteria[currentPage]=3');
    const past = await page('searchCriteria[pageSize]=2&searchCriteria[currentPage]=9');
    assert.deepEqual(
      past.items.map((item) => item.sku),
      last.items.map((item) => item.sku),
    );
    assert.deepEqual(past.search_criteria, { filter_groups: [], page_size: 2, current_page: 9 });

    const f = 'searchCriteria[filter_groups]';
    const disabled = await page(`${f}[0][filters][0][field]=status&${f}[0][filters][0][value]=2`);
    assert.deepEqual(
      disabled.items.map((item) => item.sku),
      ['S-5'],
    );
    const either = await page(
      `${f}[0][filters][0][field]=sku&${f}[0][filters][0][value]=S-1&${f}[0][filters][1][field]=sku&${f}[0][filters][1][value]=S-4`,
    );
    assert.equal(either.total_count, 2, 'filters in a group OR');
    const like = await page(
      `${f}[0][filters][0][field]=sku&${f}[0][filters][0][value]=s-%25&${f}[0][filters][0][condition_type]=like&${f}[1][filters][0][field]=status&${f}[1][filters][0][value]=1&searchCriteria[sortOrders][0][field]=sku&searchCriteria[sortOrders][0][direction]=DESC`,
    );
    assert.deepEqual(
      like.items.map((item) => item.sku),
      ['S-4', 'S-3', 'S-2', 'S-1'],
      'groups AND, sorted',
    );
    const noCriteria = await call(magento, 'GET', '/rest/V1/products');
    assert.deepEqual(noCriteria.json, {
      message: '"%fieldName" is required. Enter and try again.',
      parameters: { fieldName: 'searchCriteria' },
    });
  });
});

describe('magento simulator: prices and stock', () => {
  it('saves the valid base-price rows and answers 200 with the failures of the others', async () => {
    const magento = await start();
    await call(magento, 'POST', '/rest/V1/products', saveBody({ sku: 'simple', name: 'Simple', price: 1 }));
    const answer = await call(magento, 'POST', '/rest/V1/products/base-prices', {
      prices: [
        { sku: 'simple', price: 9999, store_id: 0 },
        { sku: 'not_existing_sku', price: -9999, store_id: 9999 },
      ],
    });
    assert.equal(answer.status, 200);
    // The expected body of BasePriceStorageTest::testUpdateWithInvalidParameters.
    assert.deepEqual(answer.json, [
      { message: 'Invalid attribute %fieldName = %fieldValue.', parameters: ['SKU', 'not_existing_sku'] },
      { message: 'Invalid attribute %fieldName = %fieldValue.', parameters: ['Price', '-9999'] },
      {
        message: 'Requested store is not found. Row ID: SKU = not_existing_sku, Store ID: 9999.',
        parameters: ['not_existing_sku', '9999'],
      },
    ]);
    assert.equal(((await call(magento, 'GET', '/rest/V1/products/simple')).json as Product).price, 9999);
    const read = await call(magento, 'POST', '/rest/V1/products/base-prices-information', {
      skus: ['simple', 'x'],
    });
    assert.deepEqual(read.json, [{ price: 9999, store_id: 0, sku: 'simple' }]);
    const clean = await call(magento, 'POST', '/rest/V1/products/base-prices', {
      prices: [{ sku: 'simple', price: 5, store_id: 1 }],
    });
    assert.deepEqual(clean.json, []);
  });

  it('sets MSI source items, reads them back, mirrors default into stock_item, and refuses unknown SKUs as a whole', async () => {
    const magento = await start();
    await call(magento, 'POST', '/rest/V1/products', saveBody({ sku: 'ST-1', name: 'Stocked' }));
    const saved = await call(magento, 'POST', '/rest/V1/inventory/source-items', {
      sourceItems: [{ sku: 'ST-1', source_code: 'default', quantity: 7, status: 1 }],
    });
    assert.equal(saved.status, 200);
    assert.deepEqual(saved.json, []);
    const f = 'searchCriteria[filter_groups][0][filters][0]';
    const listed = await call(
      magento,
      'GET',
      `/rest/V1/inventory/source-items?${f}[field]=sku&${f}[value]=ST-1`,
    );
    assert.deepEqual((listed.json as { items: unknown[] }).items, [
      { sku: 'ST-1', source_code: 'default', quantity: 7, status: 1 },
    ]);
    const product = (await call(magento, 'GET', '/rest/V1/products/ST-1')).json as Product;
    assert.equal(product.extension_attributes.stock_item.qty, 7);
    assert.equal(product.extension_attributes.stock_item.is_in_stock, true);

    const refused = await call(magento, 'POST', '/rest/V1/inventory/source-items', {
      sourceItems: [
        { sku: 'ST-1', source_code: 'default', quantity: 1, status: 1 },
        { sku: 'GHOST', source_code: 'default', quantity: 1, status: 1 },
      ],
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.json, {
      message: 'Validation Failed: Product with requested "sku": "GHOST" was was not found.',
      errors: [
        {
          message: 'Product with requested "%field": "%value" was was not found.',
          parameters: { field: 'sku', value: 'GHOST' },
        },
      ],
    });
    const after = (await call(magento, 'GET', '/rest/V1/products/ST-1')).json as Product;
    assert.equal(after.extension_attributes.stock_item.qty, 7, 'nothing saved when one item fails');
  });
});

describe('magento simulator: async bulk', () => {
  it('answers 202, then moves operations 4 -> 1 and 3 with the filled-in message', async () => {
    const magento = await start();
    const accepted = await call(magento, 'POST', '/rest/async/bulk/V1/products', [
      saveBody({ sku: 'BK-1', name: 'Fine', price: 3 }),
      saveBody({ sku: 'BK-2', price: 4 }),
    ]);
    assert.equal(accepted.status, 202);
    const body = accepted.json as BulkAccepted;
    assert.match(body.bulk_uuid, /^[0-9a-f-]{36}$/);
    assert.equal(body.errors, false);
    assert.deepEqual(
      body.request_items.map((item) => [item.id, item.status, /^[0-9a-f]{64}$/.test(item.data_hash ?? '')]),
      [
        [0, 'accepted', true],
        [1, 'accepted', true],
      ],
    );

    const open = await bulkStatus(magento, body.bulk_uuid);
    assert.deepEqual(
      open.operations_list.map((operation) => operation.status),
      [4, 4],
    );
    assert.equal(open.operation_count, 2);
    assert.equal(open.user_type, 1);
    assert.equal(open.description, 'Topic async.magento.catalog.api.productrepositoryinterface.save.post');
    assert.equal(
      (await call(magento, 'GET', '/rest/V1/products/BK-1')).status,
      404,
      'nothing runs before the consumer',
    );

    const done = await settledBulk(magento, body.bulk_uuid);
    assert.deepEqual(done.operations_list, [
      {
        id: 0,
        status: 1,
        result_message:
          'Service execution success Magento\\Catalog\\Model\\ProductRepository\\Interceptor::save',
        error_code: null,
      },
      {
        id: 1,
        status: 3,
        result_message: 'The "name" attribute value is empty. Set the attribute and try again.',
        error_code: 0,
      },
    ]);
    assert.equal((await call(magento, 'GET', '/rest/V1/products/BK-1')).status, 200);
    assert.equal((await call(magento, 'GET', `/rest/V1/bulk/${body.bulk_uuid}/operation-status/3`)).json, 1);
    const detailed = (await call(magento, 'GET', `/rest/V1/bulk/${body.bulk_uuid}/detailed-status`)).json as {
      operations_list: {
        serialized_data: string;
        result_serialized_data: string | null;
        topic_name: string;
      }[];
    };
    const firstOperation = detailed.operations_list[0]!;
    assert.equal(
      (
        JSON.parse(
          (JSON.parse(firstOperation.serialized_data) as { meta_information: string }).meta_information,
        ) as {
          product: { sku: string };
        }
      ).product.sku,
      'BK-1',
    );
    assert.equal((JSON.parse(firstOperation.result_serialized_data ?? 'null') as Product).sku, 'BK-1');

    const unknown = await call(magento, 'GET', '/rest/V1/bulk/00000000-0000-0000-0000-000000000000/status');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json, {
      message: 'Bulk uuid %bulkUuid not exist',
      parameters: { bulkUuid: '00000000-0000-0000-0000-000000000000' },
    });
  });

  it('rejects an element that fails schema validation at queue time and keeps the others scheduled', async () => {
    const magento = await start();
    const answer = await call(magento, 'PUT', '/rest/async/bulk/V1/products/bySku', [
      saveBody({ sku: 'RJ-1', name: 'Kept' }),
      { sku: 'RJ-2' },
      saveBody({ sku: 'RJ-3', name: 'Typed', price: 'ten' }),
    ]);
    assert.equal(answer.status, 202);
    const body = answer.json as BulkAccepted;
    assert.equal(body.errors, true);
    assert.deepEqual(
      body.request_items.map((item) => item.status),
      ['accepted', 'rejected', 'rejected'],
    );
    assert.equal(
      body.request_items[1]?.error_message,
      'Data in topic "async.magento.catalog.api.productrepositoryinterface.save.put" must be of type "Magento\\Catalog\\Api\\Data\\ProductInterface". "NULL" given.',
    );
    const done = await settledBulk(magento, body.bulk_uuid);
    assert.equal(done.operation_count, 1);
    assert.deepEqual(
      done.operations_list.map((operation) => [operation.id, operation.status]),
      [[0, 1]],
    );
  });
});

describe('magento simulator: rate limit', () => {
  it('is a time-based token bucket', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 10, () => now);
    assert.deepEqual([bucket.tryTake().ok, bucket.tryTake().ok], [true, true]);
    const refused = bucket.tryTake();
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && Math.abs(refused.retryAfterMs - 100) < 1e-6);
    now = 99;
    assert.equal(bucket.tryTake().ok, false);
    now = 100;
    assert.equal(bucket.tryTake().ok, true);
    now = 10_000;
    assert.deepEqual(
      [bucket.tryTake().ok, bucket.tryTake().ok, bucket.tryTake().ok],
      [true, true, false],
      'capped',
    );
  });

  it('counts admitted requests per sliding 1000 ms window', () => {
    const stats = new RequestStats();
    for (let t = 0; t <= 1000; t += 100) stats.admitted(t); // 11 arrivals, at most 10 within any 1000 ms
    assert.equal(stats.snapshot(0).maxRequestsInAnyWindow, 10);
    stats.admitted(1000.5);
    assert.equal(stats.snapshot(0).maxRequestsInAnyWindow, 11);
  });

  it('answers 429 with Retry-After and a non-Magento body over the bucket, before any side effect', async () => {
    const magento = await start({ rateLimit: { requestsPerSecond: 5 } });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        call(magento, 'POST', '/rest/V1/products', saveBody({ sku: `RL-${n}`, name: 'x' })),
      ),
    );
    const ok = answers.filter((answer) => answer.status === 200);
    const throttled = answers.filter((answer) => answer.status === 429);
    assert.equal(ok.length + throttled.length, 12);
    assert.ok(ok.length >= 5 && ok.length <= 6, `burst of 5 admitted, got ${ok.length}`);
    for (const answer of throttled) {
      assert.ok(Number(answer.headers.get('retry-after')) >= 1);
      assert.match(answer.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(answer.json, undefined, 'not JSON');
    }
    const stats = magento.stats();
    assert.equal(stats.throttled, throttled.length);
    assert.equal(stats.requests, 12);
    assert.equal(stats.maxRequestsInAnyWindow, ok.length);
    assert.equal(stats.products, ok.length, 'refused requests stored nothing');
    assert.equal(stats.itemsReceived, ok.length);
  });
});

describe('magento simulator: faults', () => {
  it('status: answers 503/502 as a proxy and 500 as Magento, for count requests or a time window on matching paths', async () => {
    const magento = await start();
    magento.inject({ kind: 'status', status: 503, count: 2 });
    const down = await call(magento, 'POST', '/rest/V1/products', saveBody({ sku: 'F-1', name: 'x' }));
    assert.equal(down.status, 503);
    assert.match(down.text, /Backend fetch failed/);
    assert.equal((await call(magento, 'GET', '/rest/V1/products/F-1')).status, 503);
    assert.equal(
      (await call(magento, 'GET', '/rest/V1/products/F-1')).status,
      404,
      'count used up; nothing saved',
    );

    magento.inject({ kind: 'status', status: 500, paths: 'base-prices' });
    const crashed = await call(magento, 'POST', '/rest/V1/products/base-prices', { prices: [] });
    assert.equal(crashed.status, 500);
    assert.match(
      (crashed.json as { message: string }).message,
      /^Internal Error\. Details are available in Magento log file\. Report ID: webapi-[0-9a-f]{13}$/,
    );
    assert.equal((await call(magento, 'GET', '/rest/V1/products/F-1')).status, 404, 'other paths unaffected');
    magento.clearFaults();

    magento.inject({ kind: 'status', status: 502, forMs: 150 });
    assert.equal((await call(magento, 'GET', '/rest/V1/products/F-1')).status, 502);
    await sleep(200);
    assert.equal((await call(magento, 'GET', '/rest/V1/products/F-1')).status, 404, 'window over');
  });

  it('throttle: a CDN-style 429 with Retry-After, nothing stored', async () => {
    const magento = await start();
    magento.inject({ kind: 'throttle', retryAfterSeconds: 2, count: 1 });
    const throttled = await call(magento, 'POST', '/rest/V1/products', saveBody({ sku: 'T-1', name: 'x' }));
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '2');
    assert.equal(throttled.json, undefined);
    assert.equal((await call(magento, 'GET', '/rest/V1/products/T-1')).status, 404);
    assert.equal(magento.stats().throttled, 1);
  });

  it('timeout: holds the request unanswered until the client gives up, without side effects', async () => {
    const magento = await start();
    magento.inject({ kind: 'timeout', count: 1 });
    await assert.rejects(
      call(magento, 'POST', '/rest/V1/products', saveBody({ sku: 'TO-1', name: 'x' }), {
        signal: AbortSignal.timeout(200),
      }),
      (error: Error) => error.name === 'TimeoutError' || error.name === 'AbortError',
    );
    assert.equal((await call(magento, 'GET', '/rest/V1/products/TO-1')).status, 404);
    await sleep(50);
    const held = magento
      .requests()
      .find((entry) => entry.path === '/rest/V1/products' && entry.method === 'POST');
    assert.equal(held?.status, 0, 'logged as never answered');

    // A request still held does not keep close() waiting.
    magento.inject({ kind: 'timeout' });
    const pending = call(magento, 'GET', '/rest/V1/products/TO-1').catch((error: unknown) => error);
    await sleep(50);
    const closing = Date.now();
    await magento.close();
    assert.ok(Date.now() - closing < 2000);
    assert.ok((await pending) instanceof Error);
  });

  it('reject-sku: the sync save fails 400, the bulk operation ends 3 with the message filled in', async () => {
    const magento = await start();
    magento.inject({ kind: 'reject-sku', skus: ['RS-1'], attribute: 'ean' });
    const sync = await call(magento, 'PUT', '/rest/V1/products/RS-1', saveBody({ sku: 'RS-1', name: 'x' }));
    assert.equal(sync.status, 400);
    assert.deepEqual(sync.json, {
      message: 'The "%1" attribute value is empty. Set the attribute and try again.',
      parameters: ['ean'],
    });
    const bulk = (
      await call(magento, 'POST', '/rest/async/bulk/V1/products', [
        saveBody({ sku: 'RS-1', name: 'x' }),
        saveBody({ sku: 'RS-2', name: 'y' }),
      ])
    ).json as BulkAccepted;
    const done = await settledBulk(magento, bulk.bulk_uuid);
    assert.deepEqual(
      done.operations_list.map((operation) => [operation.status, operation.result_message]),
      [
        [3, 'The "ean" attribute value is empty. Set the attribute and try again.'],
        [1, 'Service execution success Magento\\Catalog\\Model\\ProductRepository\\Interceptor::save'],
      ],
    );
  });

  it('bulk-retriable: the next N operations end with status 2 and no side effect', async () => {
    const magento = await start();
    magento.inject({ kind: 'bulk-retriable', count: 1 });
    const bulk = (
      await call(magento, 'POST', '/rest/async/bulk/V1/products', [
        saveBody({ sku: 'BR-1', name: 'x' }),
        saveBody({ sku: 'BR-2', name: 'y' }),
      ])
    ).json as BulkAccepted;
    const done = await settledBulk(magento, bulk.bulk_uuid);
    assert.deepEqual(
      done.operations_list.map((operation) => operation.status),
      [2, 1],
    );
    assert.equal((await call(magento, 'GET', '/rest/V1/products/BR-1')).status, 404);
    assert.equal((await call(magento, 'GET', `/rest/V1/bulk/${bulk.bulk_uuid}/operation-status/2`)).json, 1);
  });
});

describe('magento simulator: harness routes and CLI', () => {
  it('serves stats, the request log, faults and reset over HTTP', async () => {
    const magento = await start();
    const harness = (method: string, path: string, body?: unknown): Promise<Answer> =>
      call(magento, method, `/__simulator${path}`, body, { token: null });
    assert.equal((await harness('POST', '/faults', { kind: 'status', status: 418 })).status, 400);
    assert.equal((await harness('POST', '/faults', { kind: 'status', status: 503, count: 1 })).status, 200);
    assert.equal((await call(magento, 'GET', '/rest/V1/products/H-1')).status, 503);
    await call(magento, 'POST', '/rest/V1/products', saveBody({ sku: 'H-1', name: 'x' }));
    const stats = (await harness('GET', '/stats')).json as Record<string, unknown>;
    assert.deepEqual(stats, { ...magento.stats() });
    assert.deepEqual(stats.byRoute, { 'GET /V1/products/:sku': 1, 'POST /V1/products': 1 });
    const log = (await harness('GET', '/requests?since=1')).json as {
      seq: number;
      path: string;
      items: number;
    }[];
    assert.deepEqual(
      log.map((entry) => [entry.seq, entry.path, entry.items]),
      [[2, '/rest/V1/products', 1]],
    );
    assert.equal((await harness('DELETE', '/faults')).status, 200);
    assert.equal((await harness('POST', '/reset')).status, 200);
    assert.deepEqual(magento.stats(), {
      requests: 0,
      byRoute: {},
      throttled: 0,
      maxRequestsInAnyWindow: 0,
      itemsReceived: 0,
      products: 0,
    });
  });

  it('runs standalone: prints {"ready":true,"url"} and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/simulators/magento/magento-simulator-cli.ts', '--port', '0', '--rate', '10'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout });
    const [line] = (await once(lines, 'line')) as [string];
    const ready = JSON.parse(line) as { ready: boolean; url: string };
    assert.equal(ready.ready, true);
    const response = await fetch(`${ready.url}/rest/V1/products/X`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(response.status, 404);
    await response.text();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});
