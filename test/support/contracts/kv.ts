/**
 * The KeyValueStore contract (dedupe keys, secrets, auth and pairing state): every adapter passes it.
 *
 * @example
 * runKeyValueContract('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { describe, expect, it } from '@jest/globals';
import { at, usePorts, type OpenPorts } from './fixture.js';

export function runKeyValueContract(name: string, open: OpenPorts): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    const p = usePorts(open);

    it('round-trips every JSON shape (objects with ISO dates, arrays, strings, numbers, booleans, null)', async () => {
      const { kv } = p().ports;
      const doc = { at: at(5).toISOString(), candidateId: 'cand_1', nested: { list: [1, 'two', { three: true }], none: null } };
      await kv.kvSet('alerts', 'risk:cand_1:ep_1', doc);
      await kv.kvSet('email', 'token-secret', 's3cret');
      await kv.kvSet('jobs', 'clock-skew-ms', -1250);
      await kv.kvSet('flags', 'on', false);
      expect(await kv.kvGet('alerts', 'risk:cand_1:ep_1')).toEqual(doc);
      expect(new Date((await kv.kvGet<typeof doc>('alerts', 'risk:cand_1:ep_1'))!.at)).toEqual(at(5));
      expect(await kv.kvGet('email', 'token-secret')).toBe('s3cret');
      expect(await kv.kvGet('jobs', 'clock-skew-ms')).toBe(-1250);
      expect(await kv.kvGet('flags', 'on')).toBe(false);
      expect(await kv.kvGet('flags', 'missing')).toBeUndefined();
    });

    it('keeps one value per namespace and key (a dedupe key set twice is one entry; namespaces are apart)', async () => {
      const { kv } = p().ports;
      await kv.kvSet('alerts', 'k', { n: 1 });
      await kv.kvSet('alerts', 'k', { n: 2 });
      await kv.kvSet('other', 'k', { n: 3 });
      expect(await kv.kvList('alerts')).toEqual([{ key: 'k', value: { n: 2 } }]);
      expect(await kv.kvGet('other', 'k')).toEqual({ n: 3 });
    });

    it('lists a namespace ordered by key and deletes (absent keys too)', async () => {
      const { kv } = p().ports;
      for (const k of ['creds', 'app-state-sync-key:b', 'app-state-sync-key:a']) await kv.kvSet('whatsapp-web-auth', k, k.length);
      expect((await kv.kvList('whatsapp-web-auth')).map((e) => e.key)).toEqual(['app-state-sync-key:a', 'app-state-sync-key:b', 'creds']);
      await kv.kvDelete('whatsapp-web-auth', 'creds');
      await kv.kvDelete('whatsapp-web-auth', 'never-there');
      expect((await kv.kvList('whatsapp-web-auth')).map((e) => e.key)).toEqual(['app-state-sync-key:a', 'app-state-sync-key:b']);
      expect(await kv.kvList('empty')).toEqual([]);
    });
  });
}
