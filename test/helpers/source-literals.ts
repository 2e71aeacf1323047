/**
 * The string literals of a TypeScript source, with comments left out: quoted strings and whole
 * template literals (with their `${...}` parts as written), each with its line. A small scanner,
 * not a parser: good enough for the project's own sources, which hold no regular expression with a
 * quote or a comment marker in it that would be read as a string.
 */
export interface SourceLiteral {
  readonly text: string;
  readonly line: number;
}

export function stringLiterals(source: string): SourceLiteral[] {
  const found: SourceLiteral[] = [];
  let line = 1;
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    const next = source[at + 1];
    if (char === '\n') line += 1;
    if (char === '/' && next === '/') {
      while (at < source.length && source[at] !== '\n') at += 1;
      continue;
    }
    if (char === '/' && next === '*') {
      const end = source.indexOf('*/', at + 2);
      const stop = end === -1 ? source.length : end + 2;
      for (let i = at; i < stop; i += 1) if (source[i] === '\n') line += 1;
      at = stop;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') {
      const startLine = line;
      let text = '';
      let depth = 0;
      at += 1;
      while (at < source.length) {
        const inner = source[at]!;
        if (inner === '\\') {
          text += inner + (source[at + 1] ?? '');
          at += 2;
          continue;
        }
        if (inner === '\n') line += 1;
        if (char === '`' && inner === '$' && source[at + 1] === '{') depth += 1;
        else if (char === '`' && inner === '}' && depth > 0) depth -= 1;
        else if (inner === char && depth === 0) break;
        text += inner;
        at += 1;
      }
      found.push({ text, line: startLine });
    }
    at += 1;
  }
  return found;
}

/**
 * A literal that spells a topic name or part of one: a versioned name (`catalog.product.v1`,
 * `channel.${id}.dlq.v1`, a schema file named after its topic), or Debezium's heartbeat topic.
 */
export const looksLikeTopicName = (text: string): boolean =>
  /\.v\d+\b/.test(text) || /__debezium-heartbeat/.test(text);
