/**
 * The image's layout, without building an image: the same build script the Dockerfile runs
 * (`npm run build`, scripts/build-dist.ts) compiles into an app folder laid out as the image's
 * /app (package.json, dist/, node_modules with the production dependencies only, as
 * `npm ci --omit=dev` leaves them), and the compiled CLI runs from there exactly as the image's
 * entrypoint does (`node dist/streams/cli.js <args>`): its help, and each role's check of the
 * config the chart renders, with the arguments the chart gives it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';
import { repoRoot } from '../../infra/local/stack-config.ts';
import { renderChart, valuesSets, type K8sObject } from '../helpers/chart-tools.ts';

const app = mkdtempSync(join(tmpdir(), 'syncline-image-'));
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];

/** Links into `<app>/node_modules` the packages `npm ci --omit=dev` installs: every lockfile entry not marked dev. */
function productionNodeModules(target: string): string[] {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const linked: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Top-level packages only: nested ones come with their parent's folder.
    if (!/^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) || entry.dev === true) continue;
    mkdirSync(dirname(join(target, path)), { recursive: true });
    symlinkSync(join(repoRoot, path), join(target, path));
    linked.push(path.slice('node_modules/'.length));
  }
  return linked;
}

function runAsImage(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const [command, ...entryArgs] = entrypoint;
  assert.equal(command, 'node');
  return spawnSync(process.execPath, [...entryArgs, ...args], {
    cwd: app,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env },
  });
}

before(() => {
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-dist.ts', join(app, 'dist')], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, `${build.stdout}\n${build.stderr}`);
  assert.match(dockerfile, /^RUN npm run build$/m, 'the Dockerfile builds with the same script');
  copyFileSync(join(repoRoot, 'package.json'), join(app, 'package.json'));
  const linked = productionNodeModules(app);
  assert.ok(linked.includes('kafkajs') && !linked.includes('tsx') && !linked.includes('typescript'));
});

test('the compiled CLI answers --help as the entrypoint runs it, without tsx or dev dependencies', () => {
  const result = runAsImage(['--help']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(
    result.stdout,
    /^usage: syncline <ingest\|offers\|sink\|register-index\|orders\|erp-orders\|admin> --config/,
  );
});

test("each role checks the chart's rendered config with the chart's arguments", () => {
  const { objects } = renderChart(valuesSets().production);
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config'))!;
  // The ConfigMap mounted where the pods read it: /etc/syncline/syncline.yaml.
  const configFile = join(app, 'etc', 'syncline.yaml');
  mkdirSync(dirname(configFile), { recursive: true });
  writeFileSync(configFile, (configMap.data as Record<string, string>)['syncline.yaml']!);
  const env = {
    SYNCLINE_KAFKA_BROKERS: 'kafka:9092',
    SYNCLINE_SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7',
    SYNCLINE_OPS_DATABASE_URL: 'postgresql://syncline@ops:5432/ops',
    SYNCLINE_CONNECT_URL: 'http://connect:8083',
    SYNCLINE_CDC_PG_URL: 'postgresql://debezium@erp:5432/erp',
    SYNCLINE_ERP_ORDERS_URL: 'postgresql://erp_app@erp-db:5432/erp',
    SYNCLINE_MAGENTO_URL: 'https://shop.example.com',
    SYNCLINE_WEBHOOK_URL: 'https://marketplace.example.com/hooks',
  };
  const workloads = objects.filter(
    (o): o is K8sObject => o.kind === 'Deployment' || o.kind === 'StatefulSet',
  );
  assert.ok(workloads.length >= 6);
  for (const workload of workloads) {
    const spec = workload.spec as { template: { spec: { containers: { args: string[] }[] } } };
    const args = spec.template.spec.containers[0]!.args.map((a) =>
      a === '/etc/syncline/syncline.yaml' ? configFile : a,
    );
    const result = runAsImage([...args, '--check'], env);
    assert.equal(result.status, 0, `${workload.metadata.name}: ${result.stderr}`);
    assert.match(result.stdout, new RegExp(`is a valid config for the ${args[0]} role`));
  }
  // And a bad config is refused by the compiled validator, naming the key (exit 2).
  writeFileSync(
    configFile,
    'kafka: { brokers: [] }\nschemaRegistry: { url: x }\nsources: []\nchannels: []\n',
  );
  const bad = runAsImage(['offers', '--config', configFile, '--check'], env);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /kafka\.brokers: expected at least 1 item/);
});
