/** The chart's helm-unittest suites (infra/helm/syncline/tests/*_test.yaml), run offline. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chartDir, run, tool } from '../helpers/chart-tools.ts';

test('every helm-unittest suite of the chart passes', () => {
  const suites = readdirSync(join(chartDir, 'tests')).filter((f) => f.endsWith('_test.yaml'));
  assert.ok(suites.length >= 5, `suites found: ${suites.join(', ')}`);
  const result = run(tool('helm-unittest'), ['--color=false', chartDir]);
  const output = `${result.stdout}\n${result.stderr}`;
  assert.equal(result.status, 0, output);
  // "Test Suites: 5 passed, 5 total": every suite ran, none failed.
  const summary = /Test Suites:\s+(\d+) passed, (\d+) total/.exec(output);
  assert.ok(summary, output);
  assert.equal(Number(summary[1]), suites.length, output);
  assert.equal(Number(summary[2]), suites.length, output);
});
