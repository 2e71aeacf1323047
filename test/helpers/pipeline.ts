/**
 * Runs the pipeline's roles as the README does (`syncline <role> --config <file>`), as child
 * processes so tests can SIGKILL them, on the sample config of the local stack with a state folder
 * of the test's own.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleConfigVariant } from '../../infra/local/syncline-roles.ts';

export { startRole } from '../../infra/local/syncline-roles.ts';

/** A copy of the sample config with its own state folder, any free metrics ports, and `changes`. */
export function testConfigFile(
  changes: { processing?: Record<string, unknown>; sinks?: Record<string, Record<string, unknown>> } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-pipeline-'));
  return writeSampleConfigVariant(
    join(dir, 'syncline.yaml'),
    { stateDir: join(dir, 'state'), ...changes.processing },
    changes.sinks,
  );
}
