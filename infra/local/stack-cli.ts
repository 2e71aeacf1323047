/**
 * `npm run stack:up | stack:down | stack:status | stack:logs [-- <part>] [-- -f]`, and
 * `npm run stack -- reset` to start over with empty databases and topics.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { components } from './components/index.ts';
import { logFile } from './processes.ts';
import { down, findComponent, reset, status, up } from './stack.ts';
import { StackError } from './stack-error.ts';

const usage = `usage: npm run stack -- <up|down|status|logs|reset> [part] [-f]
  up       start every part (fetching them on first run) and wait until all are healthy
  down     stop every part; data is kept
  status   show each part, where it listens and whether it is healthy (exit 1 if one is not)
  logs     show the last lines of every part's log, or one part's: logs kafka [-f to follow]
  reset    stop everything and delete the stack's data (downloads are kept)
parts: ${components.map((c) => c.name).join(', ')}`;

async function logs(args: string[]): Promise<void> {
  const follow = args.includes('-f') || args.includes('--follow');
  const names = args.filter((a) => !a.startsWith('-'));
  const parts = names.length > 0 ? names.map(findComponent) : components;
  const files = parts.map((c) => logFile(c.name)).filter((f) => existsSync(f));
  if (files.length === 0) {
    console.log('No logs yet: the stack has not been started here (npm run stack:up).');
    return;
  }
  await new Promise<void>((resolve) => {
    spawn('tail', [follow ? '-F' : '-n', ...(follow ? ['-n', '30'] : ['30']), ...files], {
      stdio: 'inherit',
    }).on('close', () => resolve());
  });
}

async function main(): Promise<number> {
  const [verb, ...rest] = process.argv.slice(2);
  switch (verb) {
    case 'up':
      await up();
      return 0;
    case 'down':
      await down();
      return 0;
    case 'reset':
      await reset();
      return 0;
    case 'status': {
      const parts = await status();
      for (const { component, pid, problem } of parts) {
        const state =
          problem === undefined ? 'healthy' : pid === undefined ? 'stopped' : `unhealthy: ${problem}`;
        console.log(`  ${component.title.padEnd(38)} ${component.endpoint().padEnd(48)} ${state}`);
      }
      return parts.every((p) => p.problem === undefined) ? 0 : 1;
    }
    case 'logs':
      await logs(rest);
      return 0;
    default:
      console.error(verb === undefined ? usage : `Unknown verb "${verb}".\n${usage}`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof StackError) {
      console.error(`\nstack: ${error.message}`);
      process.exit(1);
    }
    throw error;
  },
);
