import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreContract, inbound } from '../store-contract.js';
import { SqliteStore } from './sqlite-store.js';
import { MIGRATIONS } from './migrations.js';

runStoreContract('embedded SQLite', async () => SqliteStore.open(':memory:'));

describe('SqliteStore on disk', () => {
  it('migrates once, survives reopening, and keeps data', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-store-')), 'nested', 'parley.db');
    const first = SqliteStore.open(file);
    expect(first.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    const r = await first.recordInbound(inbound('s1', 'p1', 'persist me'), new Date());
    await first.close();
    const second = SqliteStore.open(file);
    expect(second.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    expect(await second.getMessage(r.message.id)).toMatchObject({ text: 'persist me', status: 'pending' });
    await second.close();
  });
});
