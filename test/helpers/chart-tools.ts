/**
 * The command-line tools the chart tests run (helm, kubeconform, helm-unittest, promtool) and the
 * values sets they render. A missing tool fails the test with what installs it: nothing is
 * skipped silently.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from '../../infra/local/stack-config.ts';

export const chartDir = join(repoRoot, 'infra', 'helm', 'syncline');
export const schemasDir = join(repoRoot, 'infra', 'helm', 'schemas');

const toolsBin =
  process.env.SYNCLINE_TOOLS_BIN ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'syncline', 'bin');

const installers: Record<string, string> = {
  helm: 'infra/helm/install-chart-tools.sh',
  kubeconform: 'infra/helm/install-chart-tools.sh',
  'helm-unittest': 'infra/helm/install-chart-tools.sh',
  promtool: "infra/local/install-prerequisites.sh (Debian's prometheus package)",
};

/** The tool's path: the chart tools' cache first, then PATH. */
export function tool(name: keyof typeof installers): string {
  for (const dir of [toolsBin, ...(process.env.PATH ?? '').split(delimiter)]) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    `${name} is not installed (looked in ${toolsBin} and PATH). .ci/run installs it on a fresh machine; ` +
      `to install it here, run bash ${installers[name]}`,
  );
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(command: string, args: readonly string[], cwd = repoRoot): Run {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The local stack's sample config as the chart's `config`: the chart sets `metrics` and
 * `processing.stateDir` itself, so they are left out.
 */
export function sampleConfigValuesFile(): string {
  const config = parse(readFileSync(join(repoRoot, 'infra', 'local', 'syncline.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  delete config.metrics;
  delete (config.processing as Record<string, unknown>).stateDir;
  const dir = mkdtempSync(join(tmpdir(), 'syncline-chart-'));
  const file = join(dir, 'sample-config-values.yaml');
  writeFileSync(file, stringify({ config }));
  return file;
}

/** The values sets every chart check runs over, each a list of values files in order. */
export function valuesSets(): Record<'minimal' | 'production' | 'all-options', string[]> {
  const ci = (name: string) => join(chartDir, 'ci', name);
  const sample = sampleConfigValuesFile();
  return {
    minimal: [ci('minimal-values.yaml')],
    production: [sample, ci('production-values.yaml')],
    'all-options': [sample, ci('production-values.yaml'), ci('all-options-values.yaml')],
  };
}

export const valuesArgs = (files: readonly string[]): string[] => files.flatMap((f) => ['-f', f]);

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** `helm template` of the chart with these values files: the manifest text and its objects. */
export function renderChart(
  files: readonly string[],
  extra: readonly string[] = [],
): {
  manifest: string;
  objects: K8sObject[];
} {
  const result = run(tool('helm'), [
    'template',
    'shop',
    chartDir,
    '--namespace',
    'shop',
    ...valuesArgs(files),
    ...extra,
  ]);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  const objects = parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  return { manifest: result.stdout, objects };
}
