/**
 * `npm run build [-- <outDir>]`: compiles the roles to JavaScript (tsconfig.build.json: the CLI and
 * everything it imports) and copies the files they read at run time beside them: the Avro schemas
 * (`<outDir>/schemas`, where streams/topology/registry-codecs.ts looks from the compiled code) and the ops
 * database's SQL. The Dockerfile runs this, and so does the test that checks the image's layout.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist'));

rmSync(outDir, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    join(root, 'tsconfig.build.json'),
    '--outDir',
    outDir,
  ],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

cpSync(join(root, 'schemas'), join(outDir, 'schemas'), { recursive: true });

/** Non-code files the roles read next to their modules (new URL('./x.sql', import.meta.url)). */
function runtimeAssets(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return runtimeAssets(path);
    return entry.name.endsWith('.sql') ? [path] : [];
  });
}
for (const asset of runtimeAssets(join(root, 'streams'))) {
  cpSync(asset, join(outDir, relative(root, asset)));
}
console.log(`built ${relative(process.cwd(), outDir) || '.'}`);
