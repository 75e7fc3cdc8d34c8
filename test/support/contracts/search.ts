/**
 * The SearchIndex contract (console full-text search over messages, candidates and notes):
 * every adapter passes it. Data is written through the core store and the workspace port, as
 * the product writes it; the index must follow.
 *
 * @example
 * runSearchContract('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { describe, expect, it } from '@jest/globals';
import { MATCH_END, MATCH_START } from '../../../operator-console/search/search-index.js';
import { at, usePorts, type OpenPorts } from './fixture.js';

export function runSearchContract(name: string, open: OpenPorts): void {
  describe(`SearchIndex contract: ${name}`, () => {
    const p = usePorts(open);

    async function seed() {
      const { store, ports } = p();
      const lena = await store.recordInbound({ ref: { channel: 'webchat', externalId: 'wc_lena' }, providerMessageId: 'wc_lena:1', sender: { id: 'wc_lena' }, kind: 'text', text: 'I can relocate to Berlin next spring', receivedAt: at(0) }, at(0));
      await store.saveCandidate({ ...lena.candidate, name: 'Lena Schmidt', email: 'lena@mail.test', updatedAt: at(1) });
      const omar = await store.recordInbound({ ref: { channel: 'webchat', externalId: 'wc_omar' }, providerMessageId: 'wc_omar:1', sender: { id: 'wc_omar' }, kind: 'text', text: 'Salary expectations first, please', receivedAt: at(2) }, at(2));
      await ports.workspace.addNote({ id: 'note_1', conversationId: omar.conversation.id, operatorId: 'op_ana', text: 'Strong on Kubernetes, weak on salary fit', createdAt: at(3) });
      return { lena, omar };
    }

    it('finds a word in a message by prefix, any case, with the message id and a marked snippet', async () => {
      const { lena } = await seed();
      const hits = await p().ports.search.search('BERL');
      expect(hits).toEqual([{ kind: 'message', conversationId: lena.conversation.id, ref: lena.message.id, snippet: expect.stringContaining(`${MATCH_START}Berlin${MATCH_END}`) }]);
    });

    it('finds candidates by name or email and notes by text; every word must match', async () => {
      const { lena, omar } = await seed();
      const { search } = p().ports;
      expect(await search.search('schmidt')).toEqual([{ kind: 'candidate', conversationId: lena.conversation.id, snippet: expect.stringContaining(MATCH_START) }]);
      expect((await search.search('lena@mail')).map((h) => h.kind)).toEqual(['candidate']);
      expect(await search.search('kubernetes')).toEqual([{ kind: 'note', conversationId: omar.conversation.id, ref: 'note_1', snippet: expect.stringContaining(`${MATCH_START}Kubernetes${MATCH_END}`) }]);
      expect((await search.search('salary')).map((h) => h.kind).sort()).toEqual(['message', 'note']);
      expect(await search.search('salary berlin')).toEqual([]);
      expect(await search.search('?!')).toEqual([]);
    });

    it('follows changes: a renamed candidate is found by the new name only; limit caps the hits', async () => {
      const { lena } = await seed();
      const { store, ports } = p();
      await store.saveCandidate({ ...lena.candidate, name: 'Lena Weber', updatedAt: at(5) });
      expect(await ports.search.search('schmidt')).toEqual([]);
      expect((await ports.search.search('weber')).map((h) => h.conversationId)).toEqual([lena.conversation.id]);
      expect(await ports.search.search('salary', { limit: 1 })).toHaveLength(1);
    });
  });
}
