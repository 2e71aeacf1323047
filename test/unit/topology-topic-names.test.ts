/**
 * Topic names are spelled in one place, streams/contracts/topics.ts: every other source under
 * streams/ takes them from there. This scans every source's string literals (comments left out)
 * for a topic name or a piece of one, so a name spelled anywhere else fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { looksLikeTopicName, stringLiterals } from '../helpers/source-literals.ts';

const streamsDir = fileURLToPath(new URL('../../streams', import.meta.url));
const declarations = join(streamsDir, 'contracts', 'topics.ts');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('topic names', () => {
  it('finds a topic name in a literal, not in a comment or a header name', () => {
    const source = [
      '// reads catalog.product.v1',
      '/* and channel.<id>.offer.v1 */',
      "const header = 'syncline.content-hash';",
      "const url = 'http://localhost:8081/apis'; // writes sync.register.v1",
      "const topic = 'catalog.stock.v1';",
      'const dlq = (id: string) => `channel.${id}.dlq.v1`;',
      "const schema = join(dir, 'channel.offer.v1.avsc');",
      'const beat = `__debezium-heartbeat.${prefix}`;',
    ].join('\n');
    const named = stringLiterals(source).filter((literal) => looksLikeTopicName(literal.text));
    assert.deepEqual(named, [
      { text: 'catalog.stock.v1', line: 5 },
      { text: 'channel.${id}.dlq.v1', line: 6 },
      { text: 'channel.offer.v1.avsc', line: 7 },
      { text: '__debezium-heartbeat.${prefix}', line: 8 },
    ]);
  });

  it('are spelled only in streams/contracts/topics.ts', () => {
    const sources = sourcesUnder(streamsDir);
    assert.ok(sources.length > 50, `only ${sources.length} sources found under ${streamsDir}`);
    assert.ok(sources.includes(declarations));
    const spelled = sources
      .filter((path) => path !== declarations)
      .flatMap((path) =>
        stringLiterals(readFileSync(path, 'utf8'))
          .filter((literal) => looksLikeTopicName(literal.text))
          .map((literal) => `${relative(streamsDir, path)}:${literal.line} '${literal.text}'`),
      );
    assert.deepEqual(spelled, [], 'take these names from streams/contracts/topics.ts');
    // The declarations do spell them: the scan sees what it looks for.
    assert.ok(stringLiterals(readFileSync(declarations, 'utf8')).some((l) => looksLikeTopicName(l.text)));
  });
});
