import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../__fixtures__/', import.meta.url));

/** A recorded provider payload from test/__fixtures__, parsed; `patch` edits a deep copy. */
export function fixture<T = Record<string, unknown>>(path: string, patch?: (json: T) => void): T {
  const json = JSON.parse(readFileSync(`${dir}${path}`, 'utf8')) as T;
  patch?.(json);
  return json;
}
