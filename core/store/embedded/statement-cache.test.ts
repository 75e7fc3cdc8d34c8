import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { countingPrepares } from '../../../test/support/statement-log.js';
import { statementCache } from './statement-cache.js';

describe('statementCache', () => {
  it('prepares each SQL text once, and stays bounded', () => {
    const { db, prepares } = countingPrepares(new Database(':memory:'));
    const sql = statementCache(db, 2);
    expect(sql('SELECT 1 AS a').get()).toEqual({ a: 1 });
    expect(sql('SELECT 1 AS a').get()).toEqual({ a: 1 });
    expect(prepares()).toBe(1);
    sql('SELECT 2 AS b');
    expect(prepares()).toBe(2);
    // A third text empties the cache first: the first one is prepared again afterwards.
    sql('SELECT 3 AS c');
    sql('SELECT 1 AS a');
    expect(prepares()).toBe(4);
  });
});
