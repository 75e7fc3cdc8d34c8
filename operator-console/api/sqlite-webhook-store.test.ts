import { describe, expect, it } from '@jest/globals';
import { SqliteStore } from '../../core/store/embedded/index.js';
import { countingPrepares } from '../../test/support/statement-log.js';
import { sqlitePublicApiStore } from './sqlite-api-store.js';

describe('SqliteWebhookStore', () => {
  it("the API's webhook store prepares nothing on its dispatcher's second poll (issue 13)", async () => {
    const store = SqliteStore.open(':memory:');
    try {
      const { db, prepares } = countingPrepares(store.database);
      const { webhooks } = sqlitePublicApiStore(db);
      const poll = async () => {
        const cursor = await webhooks.cursor();
        await webhooks.eventsAfter(cursor, ['CandidateCreated', 'MessageReceived'], 100);
        await webhooks.dueDeliveries(new Date(), 50);
        await webhooks.deliveryCounts();
        await webhooks.listSubscriptions();
        await webhooks.advance(cursor, cursor, []);
      };
      await poll();
      const afterFirst = prepares();
      await poll();
      await poll();
      expect(prepares()).toBe(afterFirst);
    } finally {
      await store.close();
    }
  });
});
