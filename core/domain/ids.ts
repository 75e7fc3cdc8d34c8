import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let counter = 0;
// Random bytes drawn in bulk: one syscall per 1,024 ids instead of one per id.
const pool = Buffer.alloc(6 * 1024);
let poolOffset = pool.length;

/**
 * A new unique id with a readable prefix, e.g. `msg_0mhx3k2a80001f3a9c2b7d4e1a0`. Ids sort by
 * creation time (millisecond timestamp, then a per-process counter), so database index inserts
 * append instead of landing on random pages; 48 random bits keep ids from two processes apart.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now === lastMs) counter++;
  else {
    lastMs = now;
    counter = 0;
  }
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const random = pool.toString('hex', poolOffset, poolOffset + 6);
  poolOffset += 6;
  return `${prefix}_${now.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${random}`;
}
