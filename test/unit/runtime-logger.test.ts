import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../streams/runtime/logger.ts';

describe('createLogger', () => {
  it('redacts credentials wherever they appear in a logged object', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info' }, sink);
    logger.info(
      { password: 'p1', source: { password: 'p2', user: 'erp' }, channel: { auth: { token: 't3' } } },
      'connecting',
    );
    const text = lines.join('');
    assert.doesNotMatch(text, /p1|p2|t3/);
    assert.match(text, /\[redacted\]/);
    assert.match(text, /"user":"erp"/);
  });
});
