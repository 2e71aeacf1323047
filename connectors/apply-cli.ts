/**
 * `npm run connectors:apply -- [file.json ...] [--connect-url URL] [--timeout SECONDS]`
 *
 * Creates or updates the Debezium connectors (default: every connectors/*.json) and waits until
 * they run. Exit codes: 0 all RUNNING, 1 a failure in Connect's own words, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { applyConnectors, defaultConnectUrl } from './apply.ts';
import { ConnectorError } from './connector-error.ts';

const usage = 'Usage: npm run connectors:apply -- [file.json ...] [--connect-url URL] [--timeout SECONDS]';

function parse(): { files: string[] | undefined; connectUrl: string; timeoutMs: number } {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: {
        'connect-url': { type: 'string', default: defaultConnectUrl() },
        timeout: { type: 'string', default: '120' },
      },
    });
    const seconds = Number(values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new Error(`--timeout must be a number of seconds, got "${values.timeout}"`);
    return {
      files: positionals.length > 0 ? positionals : undefined,
      connectUrl: values['connect-url'],
      timeoutMs: seconds * 1000,
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

const { files, connectUrl, timeoutMs } = parse();
try {
  await applyConnectors({ files, connectUrl, timeoutMs, log: (line) => console.log(line) });
} catch (error) {
  if (!(error instanceof ConnectorError)) throw error;
  console.error(error.message);
  process.exit(1);
}
