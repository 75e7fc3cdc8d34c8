import { randomUUID } from 'node:crypto';

/** A new unique id with a readable prefix, e.g. `cand_0f3c…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}
