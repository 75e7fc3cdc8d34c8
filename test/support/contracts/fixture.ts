import { afterEach, beforeEach } from '@jest/globals';
import type { Persistence } from '../../../bin/persistence.js';

/** What a port contract needs: a fresh, empty deployment's store and ports (a `Persistence`). */
export type OpenPorts = () => Promise<Pick<Persistence, 'store' | 'ports' | 'close'>>;

/** A fixed clock origin: every date a contract writes is derived from it (and read back equal). */
export const T0 = new Date('2026-03-01T10:00:00.000Z');
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

/**
 * Opens a fresh store before each test and closes it after; call inside a `describe`.
 *
 * @example
 * const p = usePorts(open);
 * it('...', async () => { await p().ports.kv.kvSet('ns', 'k', 1); });
 */
export function usePorts(open: OpenPorts): () => Pick<Persistence, 'store' | 'ports' | 'close'> {
  let current: Pick<Persistence, 'store' | 'ports' | 'close'> | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('usePorts: no store open (call it inside a test)');
    return current;
  };
}
