/**
 * The test command: `npm test` runs unit then integration tests with node's test runner;
 * `npm test -- --unit` runs only the unit tests (no stack needed).
 *
 * Integration tests need the local stack. When it is not running this script starts it (and
 * leaves it running, so the next run is fast); the chart tests' tools are built when missing; a
 * newcomer needs no other command.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../infra/local/stack-config.ts';

function testFiles(dir: string): string[] {
  const found: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const entry of entries.sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...testFiles(path));
    else if (entry.endsWith('.test.ts')) found.push(relative(repoRoot, path));
  }
  return found;
}

const unitOnly = process.argv.includes('--unit');
// The channel simulators' contract tests run in-process, without the stack, and the chart tests
// offline with their command-line tools (infra/helm/install-chart-tools.sh): with the unit tests.
const unit = [
  ...testFiles(join(repoRoot, 'test', 'unit')),
  ...testFiles(join(repoRoot, 'test', 'simulators')),
  ...testFiles(join(repoRoot, 'test', 'chart')),
];
const integration = unitOnly
  ? []
  : [...testFiles(join(repoRoot, 'test', 'integration')), ...testFiles(join(repoRoot, 'test', 'e2e'))];

// The chart tests need helm, kubeconform and helm-unittest: built once from the Go module proxy
// into a cache outside the clone (minutes on a fresh machine, instant after), as the stack is
// started once, so that `npm test` alone works on a fresh clone.
const tools = spawnSync('bash', ['infra/helm/install-chart-tools.sh'], { cwd: repoRoot, stdio: 'inherit' });
if (tools.status !== 0) {
  console.error('The chart tools could not be installed, so the chart tests cannot run (see above).');
  process.exit(tools.status ?? 1);
}

if (integration.length > 0) {
  const up = spawnSync(process.execPath, ['--import', 'tsx', 'infra/local/stack-cli.ts', 'up'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (up.status !== 0) {
    console.error('The local stack did not come up, so the integration tests cannot run (see above).');
    process.exit(up.status ?? 1);
  }
}

// One process per file, files one at a time: integration tests share one broker and two
// databases, and two cores are better spent on the stack than on parallel test files.
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...unit, ...integration],
  { cwd: repoRoot, stdio: 'inherit' },
);
process.exit(run.status ?? 1);
