/**
 * The chart's generated files are current: values.schema.json and the README's values table from
 * values.yaml's `## @param` lines and syncline's config schema, the connector copies from
 * connectors/. `npm run chart:generate` rewrites them.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { chartDir, expectedChartFiles, valuesParams } from '../../infra/helm/chart-files.ts';

const expected = expectedChartFiles();

for (const [path, content] of expected) {
  test(`${path} is current (npm run chart:generate)`, () => {
    assert.equal(
      readFileSync(join(chartDir, path), 'utf8'),
      content,
      `${path} is stale: run npm run chart:generate`,
    );
  });
}

test('the chart carries no copy of a connector that connectors/ no longer has', () => {
  const copies = readdirSync(join(chartDir, 'files', 'connectors')).map((n) =>
    join('files', 'connectors', n),
  );
  assert.deepEqual(
    copies.filter((c) => !expected.has(c)),
    [],
  );
});

test('every key of values.yaml is documented by a ## @param line', () => {
  const text = readFileSync(join(chartDir, 'values.yaml'), 'utf8');
  const documented = new Set(valuesParams(text).map((p) => p.path));
  const undocumented: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (documented.has(path)) return;
    const isMap = node !== null && typeof node === 'object' && !Array.isArray(node);
    if (isMap && Object.keys(node).length > 0) {
      for (const [key, child] of Object.entries(node)) walk(child, path === '' ? key : `${path}.${key}`);
    } else undocumented.push(path);
  };
  walk(parse(text), '');
  assert.deepEqual(undocumented, []);
});
