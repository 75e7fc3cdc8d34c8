import { describe, expect, it } from '@jest/globals';
import { openSqlitePersistence } from '../bin/persistence.js';
import { startParley } from './support/harness.js';

describe('who may cache store documents', () => {
  it('embedded mode (no REDIS_URL) opens the store as the file\'s sole owner, with the document cache', async () => {
    const t = await startParley();
    try {
      expect(t.parley.embedded?.cacheStats()).toMatchObject({ size: expect.any(Number) });
    } finally {
      await t.stop();
    }
  });

  it('without soleOwner (cluster nodes, the CLIs) the store caches nothing', async () => {
    const p = await openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() });
    expect(p.embedded?.cacheStats()).toBeUndefined();
    await p.close();
    const owner = await openSqlitePersistence({ sqlitePath: ':memory:', now: new Date(), soleOwner: true });
    expect(owner.embedded?.cacheStats()).toBeDefined();
    await owner.close();
  });
});
