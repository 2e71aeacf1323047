/** The Avro schemas of every topic syncline writes, `schemas/<topic or family>.avsc` in the repo. */
import { fileURLToPath } from 'node:url';

export const schemasDir = fileURLToPath(new URL('../../schemas', import.meta.url));
