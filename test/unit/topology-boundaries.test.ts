/**
 * Who may import whom under streams/: processors and sinks share contracts and never import each
 * other, so a sink does not run (or change with) a processor's code; a channel adapter never
 * touches Kafka; the contracts import nothing but contracts, so both sides can take them. Every
 * import and re-export of every source is resolved and checked.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const streamsDir = fileURLToPath(new URL('../../streams', import.meta.url));

interface Rule {
  readonly from: string;
  /** A folder under streams/ (or a package name) that `from` must not import. */
  readonly mustNotImport: string;
  readonly why: string;
}

const rules: readonly Rule[] = [
  { from: 'sinks/', mustNotImport: 'processors/', why: 'a sink reads contracts, never a processor' },
  { from: 'processors/', mustNotImport: 'sinks/', why: 'a processor writes contracts, never a sink' },
  { from: 'processors/', mustNotImport: 'roles/', why: 'a processor is pure: roles wire it' },
  { from: 'sinks/adapters/', mustNotImport: 'kafkajs', why: 'a channel adapter never touches Kafka' },
  { from: 'sinks/adapters/', mustNotImport: 'runtime/kafka/', why: 'a channel adapter never touches Kafka' },
  { from: 'sinks/adapters/', mustNotImport: 'runtime/sink/', why: 'a channel adapter never touches Kafka' },
  { from: 'sinks/adapters/', mustNotImport: 'runtime/eos/', why: 'a channel adapter never touches Kafka' },
  { from: 'contracts/', mustNotImport: 'processors/', why: 'contracts stand apart from both sides' },
  { from: 'contracts/', mustNotImport: 'sinks/', why: 'contracts stand apart from both sides' },
  { from: 'contracts/', mustNotImport: 'runtime/', why: 'contracts stand apart from the engine' },
];

/** The modules a source imports or re-exports: streams-relative paths, or package names. */
function importsOf(path: string, source: string): string[] {
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gms)]
    .concat([...source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)])
    .map((match) => match[1]!);
  return specifiers.map((specifier) =>
    specifier.startsWith('.') ? relative(streamsDir, resolve(dirname(path), specifier)) : specifier,
  );
}

function violations(path: string, source: string): string[] {
  const from = relative(streamsDir, path);
  return importsOf(path, source).flatMap((target) =>
    rules
      .filter((rule) => from.startsWith(rule.from))
      .filter((rule) => target === rule.mustNotImport || target.startsWith(rule.mustNotImport))
      .map((rule) => `${from} imports ${target}: ${rule.why}`),
  );
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('module boundaries', () => {
  it('sees an import of a processor from a sink, multi-line and type-only ones too', () => {
    const sink = join(streamsDir, 'sinks', 'adapters', 'acme', 'acme-adapter.ts');
    const source = [
      "import type { Offer } from '../../../processors/offers/offer.ts';",
      'import {',
      '  contentHash,',
      "} from '../../../processors/offers/content-hash.ts';",
      "import { Kafka } from 'kafkajs';",
      "import type { Money } from '../../../contracts/channel-offer.ts';",
    ].join('\n');
    assert.deepEqual(violations(sink, source), [
      'sinks/adapters/acme/acme-adapter.ts imports processors/offers/offer.ts: a sink reads contracts, never a processor',
      'sinks/adapters/acme/acme-adapter.ts imports processors/offers/content-hash.ts: a sink reads contracts, never a processor',
      'sinks/adapters/acme/acme-adapter.ts imports kafkajs: a channel adapter never touches Kafka',
    ]);
  });

  it('hold for every source under streams/', () => {
    const sources = sourcesUnder(streamsDir);
    assert.ok(sources.some((path) => relative(streamsDir, path).startsWith('sinks/adapters/')));
    const broken = sources.flatMap((path) => violations(path, readFileSync(path, 'utf8')));
    assert.deepEqual(broken, []);
  });
});
