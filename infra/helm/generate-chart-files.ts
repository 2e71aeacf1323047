/**
 * `npm run chart:generate`: writes the chart's generated files (infra/helm/chart-files.ts) and
 * removes connector copies whose source is gone.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chartDir, expectedChartFiles } from './chart-files.ts';

const files = expectedChartFiles();
for (const [path, content] of files) {
  mkdirSync(dirname(join(chartDir, path)), { recursive: true });
  writeFileSync(join(chartDir, path), content);
}
const copies = join(chartDir, 'files', 'connectors');
for (const name of readdirSync(copies)) {
  if (!files.has(join('files', 'connectors', name))) rmSync(join(copies, name));
}
console.log(`chart files written: ${[...files.keys()].join(', ')}`);
