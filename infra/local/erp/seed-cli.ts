/**
 * `npm run erp:seed -- [--size tiny|100k|1m] [--target postgres|mariadb|all] [--seed N] [--reset]`
 *
 * Loads the sample ERP into the local stack's ERP databases (defaults: tiny, all, seed 1). A
 * database that already holds the same sample is left as it is; --reset drops and reloads.
 * Exit codes: 0 done (loaded or already there), 1 a failure explained in one sentence, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { erpTitle, erpTargets, type ErpTarget } from './connect.ts';
import { ErpError } from './erp-error.ts';
import { erpSizes, type ErpSize } from './generate.ts';
import { seedErp } from './seed.ts';

const usage = `Usage: npm run erp:seed -- [--size tiny|100k|1m] [--target postgres|mariadb|all] [--seed N] [--reset]

  --size     how many products: tiny (40), 100k, 1m            default tiny
  --target   which ERP database                              default all
  --seed     the generator's seed: same seed, same rows        default 1
  --reset    drop the sample's tables and load them again`;

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

interface Choice {
  readonly size: ErpSize;
  readonly targets: readonly ErpTarget[];
  readonly seed: number;
  readonly reset: boolean;
}

function choose(): Choice {
  let values;
  try {
    values = parseArgs({
      options: {
        size: { type: 'string', default: 'tiny' },
        target: { type: 'string', default: 'all' },
        seed: { type: 'string', default: '1' },
        reset: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${usage}`, 2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const { size, target, seed, reset } = values;
  if (!(size in erpSizes)) fail(`--size ${size} is not a sample size.\n\n${usage}`, 2);
  if (target !== 'all' && !erpTargets.includes(target as ErpTarget)) {
    fail(`--target ${target} is not an ERP database.\n\n${usage}`, 2);
  }
  if (!/^-?\d+$/.test(seed) || !Number.isSafeInteger(Number(seed)))
    fail(`--seed ${seed} is not an integer.`, 2);
  const targets = target === 'all' ? erpTargets : [target as ErpTarget];
  return { size: size as ErpSize, targets, seed: Number(seed), reset };
}

const choice = choose();
try {
  // One database at a time, each reported as soon as it is done.
  for (const target of choice.targets) {
    // Progress only where a load takes long enough to wonder: every tenth of the catalogue.
    let tenthsReported = 0;
    const [outcome] = await seedErp({
      ...choice,
      target,
      onProgress: (_target, { products, of }) => {
        const tenths = Math.floor((products * 10) / of);
        if (of < 50_000 || tenths <= tenthsReported) return;
        tenthsReported = tenths;
        console.error(`  ${erpTitle[target]}: ${products} of ${of} products`);
      },
    });
    if (outcome) console.log(outcome.message);
  }
} catch (error) {
  if (error instanceof ErpError) fail(error.message, error.code === 'BAD_USAGE' ? 2 : 1);
  throw error;
}
