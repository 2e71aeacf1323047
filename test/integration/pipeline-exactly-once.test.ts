/**
 * Exactly once through the whole pipeline, proven by fault injection: while more than 10,000 ERP
 * changes stream from both databases, the ingest and the two offers instances are SIGKILLed at
 * random moments and restarted. Afterwards a read_committed reader must find, for every channel
 * and SKU, that the last record equals what the ERP rows imply (computed here from the rows, not
 * by the processor's code), and that no record repeats the one before it for the same key (a
 * repeat is a change emitted twice, which suppression plus exactly-once must rule out).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { applyConnectors } from '../../connectors/apply.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import type { RoleName } from '../../streams/config/syncline-config.ts';
import { repoRoot } from '../../infra/local/stack-config.ts';
import type { RoleProcess } from '../../infra/local/syncline-roles.ts';
import { channelTopics, differences, startErpFaultRun, type ErpFaultRun } from '../helpers/erp-fault-run.ts';
import { startRole, testConfigFile } from '../helpers/pipeline.ts';
import { tailTopics, type TopicTail } from '../helpers/topic-tail.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const products = 200;
const targetChanges = 10_500;

let run: ErpFaultRun;
let tail: TopicTail | undefined;

interface Instance {
  readonly role: RoleName;
  readonly config: string;
  child: RoleProcess | undefined;
}
let instances: Instance[] = [];

const random = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T;

/** Every role run's output, killed ones included, kept for a failure to be read afterwards. */
const runs: { name: string; child: RoleProcess }[] = [];

async function startInstance(instance: Instance): Promise<void> {
  instance.child = await startRole(instance.role, instance.config);
  runs.push({ name: `${instance.role}-${runs.length}`, child: instance.child });
}

/** Writes each role run's output under var/test-logs/ and says where. */
function keepRoleLogs(): string {
  const dir = join(repoRoot, 'var', 'test-logs', `pipeline-exactly-once-${run.prefix}`);
  mkdirSync(dir, { recursive: true });
  for (const { name, child } of runs) writeFileSync(join(dir, `${name}.log`), child.output());
  return dir;
}

before(async () => {
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
  run = await startErpFaultRun('FI', products);
  const ingestConfig = testConfigFile();
  instances = [
    { role: 'ingest', config: ingestConfig, child: undefined },
    { role: 'offers', config: testConfigFile(), child: undefined },
    { role: 'offers', config: testConfigFile(), child: undefined },
  ];
  for (const instance of instances) await startInstance(instance);
  // After the roles: they create the channel topics on a fresh broker.
  tail = await tailTopics(channelTopics);
  await run.insertProducts();
});

after(async () => {
  await Promise.all(instances.map((instance) => instance.child?.stop() ?? Promise.resolve()));
  await tail?.stop();
  await run.cleanup();
});

describe('pipeline: exactly once while processors are SIGKILLed', { timeout: 600_000 }, () => {
  it(`keeps every channel equal to the ERP through ${targetChanges} changes and several crashes`, async () => {
    let changes = 0;
    let kills = 0;
    let editing = true;
    const killer = (async () => {
      while (editing) {
        await sleep(2500 + random(3000));
        if (!editing) break;
        const victim = pick(instances);
        await victim.child?.kill();
        kills += 1;
        await sleep(random(1500));
        await startInstance(victim);
      }
    })();
    // About 400 changes/s, and on until the processors have been killed several times mid-stream.
    while (changes < targetChanges || kills < 4) {
      changes += await run.randomEdits();
      await sleep(100);
    }
    editing = false;
    await killer;

    const expected = await run.expectedState();
    assert.equal(expected.size, products * 3);
    let problems: string[] = [];
    await waitUntil(
      'every channel to equal what the ERP implies',
      () => {
        problems = differences(expected, run.actualState(tail?.records ?? []));
        return problems.length === 0 ? true : undefined;
      },
      180_000,
      1000,
    ).catch((error: unknown) => {
      assert.fail(
        `${(error as Error).message}; ${problems.length} differences, e.g.\n${problems.slice(0, 10).join('\n')}\nthe roles' logs: ${keepRoleLogs()}`,
      );
    });

    const repeats = run.repeats(tail?.records ?? []);
    assert.deepEqual(
      repeats,
      [],
      `changes emitted twice: ${repeats.slice(0, 10).join(', ')}${repeats.length > 0 ? `\nthe roles' logs: ${keepRoleLogs()}` : ''}`,
    );
    console.log(
      `# ${changes} ERP changes, ${kills} SIGKILLs, ${tail?.records.length ?? 0} channel records, all ${expected.size} channel views equal to the ERP`,
    );
  });
});
