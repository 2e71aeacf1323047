/**
 * Fetches the Java parts of the stack from Maven Central, once per machine.
 *
 * Maven resolves everything declared in `infra/local/maven/pom.xml` into `~/.m2` and lays out a
 * runnable tree under `~/.cache/syncline/stack`; a marker file named after the pom's content makes
 * a warm start skip Maven entirely. Progress is Maven's own download lines, condensed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { cacheDir, repoRoot } from './stack-config.ts';
import { StackError } from './stack-error.ts';
import { maven, tar } from './tools.ts';

const pomPath = join(repoRoot, 'infra', 'local', 'maven', 'pom.xml');

export interface StackVersions {
  readonly kafka: string;
  readonly debezium: string;
  readonly debeziumMariadb: string;
  readonly apicurio: string;
  readonly jmxExporter: string;
}

function pomProperty(pom: string, name: string): string {
  const match = new RegExp(`<${name.replaceAll('.', '\\.')}>([^<]+)</`).exec(pom);
  if (!match?.[1]) throw new Error(`${pomPath} has no <${name}> property`);
  return match[1];
}

export function versions(): StackVersions {
  const pom = readFileSync(pomPath, 'utf8');
  return {
    kafka: pomProperty(pom, 'kafka.version'),
    debezium: pomProperty(pom, 'debezium.version'),
    debeziumMariadb: pomProperty(pom, 'debezium.mariadb.version'),
    apicurio: pomProperty(pom, 'apicurio.version'),
    jmxExporter: jmxExporterVersion,
  };
}

/**
 * The Prometheus JMX exporter's Java agent, which Connect runs with. Kept out of the pom on
 * purpose: a new pom changes its digest, and every machine would copy the whole stack again to get
 * one jar; the agent is fetched on its own (fetchJmxExporterAgent) instead.
 */
const jmxExporterVersion = '1.0.1';

export const stackHome = join(cacheDir, 'stack');

export interface StackLayout {
  readonly kafkaLibs: string;
  readonly connectPlugins: string;
  readonly apicurioJar: string;
  readonly jmxExporterAgent: string;
}

export function layout(v: StackVersions = versions()): StackLayout {
  return {
    kafkaLibs: join(stackHome, `kafka-${v.kafka}`, 'libs'),
    connectPlugins: join(stackHome, `connect-plugins-${v.debezium}`),
    apicurioJar: join(stackHome, `apicurio-${v.apicurio}`, `apicurio-registry-app-${v.apicurio}-runner.jar`),
    jmxExporterAgent: join(
      stackHome,
      `jmx-exporter-${v.jmxExporter}`,
      `jmx_prometheus_javaagent-${v.jmxExporter}.jar`,
    ),
  };
}

let fetchedCount = 0;

/** Download progress: every archive of a megabyte or more by name, the small jars as a count. */
function progress(file: string, size: string): void {
  fetchedCount += 1;
  if (/ MB /.test(` ${size.split(' at ')[0]} `) || fetchedCount % 40 === 0) {
    console.log(`    fetched ${file} (${size.split(' at ')[0]}), ${fetchedCount} files so far`);
  }
}

function run(command: string, args: string[], what: string, cwd = repoRoot): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const remember = (line: string) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      const downloaded =
        /^(?:\[INFO\] )?Downloaded from \S+: \S+\/([^/]+\.(?:jar|tar\.gz|zip)) \((.+)\)/.exec(line);
      if (downloaded) progress(downloaded[1]!, downloaded[2]!);
    };
    createInterface({ input: child.stdout }).on('line', remember);
    createInterface({ input: child.stderr }).on('line', remember);
    child.on('error', (error) => reject(error));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const errors = tail
        .filter((l) => /ERROR|Could not|Failed/.test(l))
        .slice(0, 5)
        .join('\n    ');
      reject(
        new StackError(
          'DOWNLOAD_FAILED',
          `Fetching ${what} from Maven Central failed (mvn exited with ${code}). Is the network to Maven Central up?\n    ${errors || tail.join('\n    ')}`,
        ),
      );
    });
  });
}

/** Makes sure every Java part is on disk; returns where they are. */
export async function fetchStack(): Promise<StackLayout> {
  const v = versions();
  const where = layout(v);
  const digest = createHash('sha256').update(readFileSync(pomPath)).digest('hex').slice(0, 16);
  const marker = join(stackHome, `fetched-${digest}`);
  if (existsSync(marker) && existsSync(where.kafkaLibs) && existsSync(where.apicurioJar)) {
    await fetchJmxExporterAgent(v, where);
    return where;
  }

  mkdirSync(stackHome, { recursive: true });
  const mvn = maven();
  console.log(
    '  fetching Kafka, Kafka Connect, Debezium and Apicurio from Maven Central (first run only, about 300 MB)',
  );
  const started = Date.now();
  // SYNCLINE_MAVEN_REPO points Maven at another local repository (e.g. to measure a cold start).
  const repoArgs = process.env.SYNCLINE_MAVEN_REPO
    ? [`-Dmaven.repo.local=${process.env.SYNCLINE_MAVEN_REPO}`]
    : [];
  await run(
    mvn,
    ['-B', ...repoArgs, '-f', pomPath, `-Dstack.home=${stackHome}`, 'package'],
    `Kafka ${v.kafka} and Debezium ${v.debezium}`,
  );

  // Apicurio's POM names a parent that Maven Central lacks, so fetch the archive alone.
  const apicurio = `io.apicurio:apicurio-registry-app:${v.apicurio}:tar.gz:all`;
  // dependency-plugin 3.x reads the artifact's descriptor even with transitive=false; 2.10 does not.
  await run(
    mvn,
    [
      '-B',
      ...repoArgs,
      'org.apache.maven.plugins:maven-dependency-plugin:2.10:get',
      '-Dtransitive=false',
      `-Dartifact=${apicurio}`,
    ],
    `Apicurio ${v.apicurio}`,
    stackHome,
  );
  const archive = join(
    process.env.SYNCLINE_MAVEN_REPO ?? join(homedir(), '.m2', 'repository'),
    'io/apicurio/apicurio-registry-app',
    v.apicurio,
    `apicurio-registry-app-${v.apicurio}-all.tar.gz`,
  );
  const target = join(stackHome, `apicurio-${v.apicurio}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  await run(tar(), ['-xzf', archive, '-C', target], `Apicurio ${v.apicurio} (unpacking)`);
  if (!existsSync(where.apicurioJar)) {
    throw new StackError('DOWNLOAD_FAILED', `The Apicurio archive did not contain ${where.apicurioJar}.`);
  }
  await fetchJmxExporterAgent(v, where);
  writeFileSync(marker, new Date().toISOString());
  console.log(`  fetched in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return where;
}

/** The JMX exporter agent jar from Maven Central into the stack's folder, once. */
async function fetchJmxExporterAgent(v: StackVersions, where: StackLayout): Promise<void> {
  if (existsSync(where.jmxExporterAgent)) return;
  const repoArgs = process.env.SYNCLINE_MAVEN_REPO
    ? [`-Dmaven.repo.local=${process.env.SYNCLINE_MAVEN_REPO}`]
    : [];
  mkdirSync(stackHome, { recursive: true });
  await run(
    maven(),
    [
      '-B',
      ...repoArgs,
      'org.apache.maven.plugins:maven-dependency-plugin:2.10:get',
      '-Dtransitive=false',
      `-Dartifact=io.prometheus.jmx:jmx_prometheus_javaagent:${v.jmxExporter}`,
    ],
    `the Prometheus JMX exporter agent ${v.jmxExporter}`,
    stackHome,
  );
  const jar = join(
    process.env.SYNCLINE_MAVEN_REPO ?? join(homedir(), '.m2', 'repository'),
    'io/prometheus/jmx/jmx_prometheus_javaagent',
    v.jmxExporter,
    `jmx_prometheus_javaagent-${v.jmxExporter}.jar`,
  );
  mkdirSync(dirname(where.jmxExporterAgent), { recursive: true });
  // Copied aside and renamed: a Connect starting meanwhile never loads half a jar.
  copyFileSync(jar, `${where.jmxExporterAgent}.tmp`);
  renameSync(`${where.jmxExporterAgent}.tmp`, where.jmxExporterAgent);
}
