/**
 * The public API's port contracts (keys, idempotency, webhook outbox, ATS, list queries): every
 * adapter passes them. The outbox reads the core's committed events, so the fixture's `store`
 * and `ports` must share one deployment.
 *
 * @example
 * runPublicApiContract('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { describe, expect, it } from '@jest/globals';
import { newId, type Candidate, type DomainEvent } from '../../../core/domain/index.js';
import type { ApiKey } from '../../../operator-console/api/keys.js';
import type { NewDelivery, WebhookSubscription } from '../../../operator-console/api/ports.js';
import { at, usePorts, type OpenPorts } from './fixture.js';

const key = (id: string, seconds: number, extra: Partial<ApiKey> = {}): ApiKey => ({ id, name: `key ${id}`, scope: 'write', prefix: `pk_${id}`, createdBy: 'op_ana', createdAt: at(seconds), ...extra });
const sub = (id: string, seconds: number): WebhookSubscription => ({ id, url: `https://hooks.example.test/${id}`, events: ['candidate.created', 'interview.completed'], secret: `whsec_${id}`, active: true, description: 'ATS', createdAt: at(seconds), updatedAt: at(seconds) });
const delivery = (id: string, subscriptionId: string, eventId: string, seconds: number): NewDelivery => ({ id, subscriptionId, eventId, eventType: 'candidate.created', body: `{"id":"${eventId}"}`, createdAt: at(seconds) });
const started = (conversationId: string, seconds: number): DomainEvent => ({ id: newId('evt'), type: 'ConversationStarted', at: at(seconds), actor: 'system', conversationId, channel: 'webchat' });
const candidate = (id: string, name: string, stage: Candidate['stage'] = 'new'): Candidate => ({ id, name, email: `${name.toLowerCase()}@mail.test`, stage, optedOut: false, unreachable: false, createdAt: at(0), updatedAt: at(0) });

export function runPublicApiContract(name: string, open: OpenPorts): void {
  describe(`Public API ports contract: ${name}`, () => {
    const p = usePorts(open);

    it('API keys: round-trip by id and hash (dates included), oldest first, one key per hash, revoke once, touch', async () => {
      const { keys } = p().ports.publicApi;
      await keys.insert(key('key_b', 5), 'hash-b');
      await keys.insert(key('key_a', 1, { scope: 'read' }), 'hash-a');
      expect(await keys.get('key_a')).toEqual(key('key_a', 1, { scope: 'read' }));
      expect(await keys.findByHash('hash-b')).toEqual(key('key_b', 5));
      expect(await keys.findByHash('hash-none')).toBeUndefined();
      await expect(keys.insert(key('key_c', 6), 'hash-b')).rejects.toHaveProperty('message'); // a driver error from another test file's realm fails toThrow()
      expect((await keys.list()).map((k) => k.id)).toEqual(['key_a', 'key_b']);
      expect(await keys.revoke('key_a', at(10))).toBe(true);
      expect(await keys.revoke('key_a', at(11))).toBe(false);
      expect(await keys.revoke('key_none', at(11))).toBe(false);
      await keys.touch('key_b', at(12));
      expect(await keys.get('key_a')).toEqual(key('key_a', 1, { scope: 'read', revokedAt: at(10) }));
      expect(await keys.get('key_b')).toEqual(key('key_b', 5, { lastUsedAt: at(12) }));
    });

    it('idempotency: one reply per principal and key, replaced by a second put', async () => {
      const { idempotency } = p().ports.publicApi;
      await idempotency.put('key:1', 'idem-1', { fingerprint: 'f1', status: 201, body: '{"id":"cand_1"}', createdAt: at(0) });
      await idempotency.put('key:2', 'idem-1', { fingerprint: 'f2', status: 200, body: '', createdAt: at(1) });
      expect(await idempotency.get('key:1', 'idem-1')).toEqual({ fingerprint: 'f1', status: 201, body: '{"id":"cand_1"}', createdAt: at(0) });
      await idempotency.put('key:1', 'idem-1', { fingerprint: 'f3', status: 409, body: '{}', createdAt: at(2) });
      expect(await idempotency.get('key:1', 'idem-1')).toEqual({ fingerprint: 'f3', status: 409, body: '{}', createdAt: at(2) });
      expect(await idempotency.get('key:2', 'idem-1')).toMatchObject({ fingerprint: 'f2' });
      expect(await idempotency.get('key:1', 'idem-none')).toBeUndefined();
    });

    it('webhook subscriptions: round-trip, oldest first, update, delete fails pending deliveries', async () => {
      const { webhooks } = p().ports.publicApi;
      await webhooks.insertSubscription(sub('whs_2', 2));
      const { description: _none, ...undescribed } = sub('whs_1', 1);
      await webhooks.insertSubscription(undescribed);
      expect(await webhooks.getSubscription('whs_2')).toEqual(sub('whs_2', 2));
      expect(await webhooks.getSubscription('whs_1')).toEqual(undescribed);
      expect((await webhooks.listSubscriptions()).map((s) => s.id)).toEqual(['whs_1', 'whs_2']);
      expect(await webhooks.updateSubscription({ ...sub('whs_2', 2), url: 'https://hooks.example.test/new', active: false, events: ['candidate.at_risk'], updatedAt: at(9) })).toBe(true);
      expect(await webhooks.getSubscription('whs_2')).toEqual({ ...sub('whs_2', 2), url: 'https://hooks.example.test/new', active: false, events: ['candidate.at_risk'], updatedAt: at(9) });
      expect(await webhooks.updateSubscription(sub('whs_none', 0))).toBe(false);
      const from = await webhooks.cursor();
      expect(await webhooks.advance(from, from, [delivery('whd_1', 'whs_2', 'evt_1', 3)])).toBe(true);
      expect(await webhooks.deleteSubscription('whs_2')).toBe(true);
      expect(await webhooks.deleteSubscription('whs_2')).toBe(false);
      expect(await webhooks.getDelivery('whd_1')).toMatchObject({ status: 'failed', lastError: 'subscription deleted' });
    });

    it('webhook outbox: the cursor starts past existing events, reads new ones of the asked types in order, and advances once', async () => {
      const { store } = p();
      const { webhooks } = p().ports.publicApi;
      await store.appendEvents([started('c_old', 0)]);
      const first = await webhooks.cursor();
      expect(await webhooks.eventsAfter(first, ['ConversationStarted'], 10)).toEqual([]);
      const a = started('c_a', 1);
      const b = started('c_b', 2);
      await store.appendEvents([a, { id: newId('evt'), type: 'CandidateOptedOut', at: at(2), actor: 'candidate', conversationId: 'c_a' }, b]);
      const rows = await webhooks.eventsAfter(first, ['ConversationStarted'], 10);
      expect(rows.map((r) => r.event)).toEqual([a, b]);
      expect((await webhooks.eventsAfter(first, ['ConversationStarted'], 1)).map((r) => r.event.id)).toEqual([a.id]);
      const last = rows[1]!.cursor;
      await webhooks.insertSubscription(sub('whs_1', 0));
      expect(await webhooks.advance(first, last, [delivery('whd_a', 'whs_1', a.id, 3), delivery('whd_b', 'whs_1', b.id, 3)])).toBe(true);
      // A second worker that read the same cursor writes nothing.
      expect(await webhooks.advance(first, last, [delivery('whd_dup', 'whs_1', a.id, 4)])).toBe(false);
      expect(await webhooks.cursor()).toBe(last);
      expect(await webhooks.eventsAfter(last, ['ConversationStarted'], 10)).toEqual([]);
      expect(await webhooks.getDelivery('whd_dup')).toBeUndefined();
      // One delivery per subscription and event, even from a later batch.
      expect(await webhooks.advance(last, last, [delivery('whd_again', 'whs_1', a.id, 5)])).toBe(true);
      expect((await webhooks.listDeliveries('whs_1', 10)).map((d) => d.eventId).sort()).toEqual([a.id, b.id].sort());
    });

    it('webhook outbox: lastCursor, where the store has it, is past every committed event, never behind the cursor', async () => {
      const { store } = p();
      const { webhooks } = p().ports.publicApi;
      if (!webhooks.lastCursor) return; // optional: the dispatcher then reads the events
      const first = await webhooks.cursor();
      expect(await webhooks.lastCursor(first)).toBe(first);
      const a = started('c_la', 1);
      const b = started('c_lb', 2);
      await store.appendEvents([a, b]);
      const rows = await webhooks.eventsAfter(first, ['ConversationStarted'], 10);
      const mark = await webhooks.lastCursor(first);
      // Moved there, nothing committed so far is read again.
      expect(await webhooks.advance(first, mark, [])).toBe(true);
      expect(await webhooks.eventsAfter(mark, ['ConversationStarted'], 10)).toEqual([]);
      expect(mark).toBe(rows[1]!.cursor);
      // Never behind the cursor it is given.
      expect(await webhooks.lastCursor(mark)).toBe(mark);
      const c = started('c_lc', 3);
      await store.appendEvents([c]);
      expect((await webhooks.eventsAfter(mark, ['ConversationStarted'], 10)).map((r) => r.event)).toEqual([c]);
    });

    it('webhook deliveries: round-trip, due soonest first, attempts recorded, resend, counts, newest first per subscription', async () => {
      const { webhooks } = p().ports.publicApi;
      await webhooks.insertSubscription(sub('whs_1', 0));
      const c = await webhooks.cursor();
      await webhooks.advance(c, c, [delivery('whd_1', 'whs_1', 'evt_1', 1), delivery('whd_2', 'whs_1', 'evt_2', 2)]);
      expect(await webhooks.getDelivery('whd_1')).toEqual({ id: 'whd_1', subscriptionId: 'whs_1', eventId: 'evt_1', eventType: 'candidate.created', body: '{"id":"evt_1"}', status: 'pending', attempts: 0, nextAttemptAt: at(1), createdAt: at(1) });
      expect((await webhooks.dueDeliveries(at(1), 10)).map((d) => d.id)).toEqual(['whd_1']);
      expect((await webhooks.dueDeliveries(at(5), 10)).map((d) => d.id)).toEqual(['whd_1', 'whd_2']);
      await webhooks.recordAttempt('whd_1', { status: 'pending', attempts: 1, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: at(60) });
      await webhooks.recordAttempt('whd_2', { status: 'delivered', attempts: 1, lastStatusCode: 204, deliveredAt: at(6) });
      expect(await webhooks.getDelivery('whd_1')).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: at(60) });
      expect(await webhooks.getDelivery('whd_2')).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204, deliveredAt: at(6) });
      expect((await webhooks.getDelivery('whd_2'))?.lastError).toBeUndefined();
      expect(await webhooks.dueDeliveries(at(30), 10)).toEqual([]);
      expect(await webhooks.deliveryCounts()).toEqual({ pending: 1, delivered: 1 });
      expect(await webhooks.resendDelivery('whd_2', at(70))).toBe(true);
      expect(await webhooks.resendDelivery('whd_none', at(70))).toBe(false);
      expect(await webhooks.getDelivery('whd_2')).toMatchObject({ status: 'pending', nextAttemptAt: at(70), createdAt: at(70) });
      expect((await webhooks.listDeliveries('whs_1', 10)).map((d) => d.id)).toEqual(['whd_2', 'whd_1']);
      expect((await webhooks.listDeliveries('whs_1', 1)).map((d) => d.id)).toEqual(['whd_2']);
    });

    it('ATS: an event is claimed once (again after a release), candidate links keep the first', async () => {
      const { ats } = p().ports.publicApi;
      expect(await ats.claimEvent('greenhouse', 'e1', 'candidate.applied', at(0))).toBe(true);
      expect(await ats.claimEvent('greenhouse', 'e1', 'candidate.applied', at(1))).toBe(false);
      expect(await ats.claimEvent('generic', 'e1', 'candidate.applied', at(1))).toBe(true);
      await ats.releaseEvent('greenhouse', 'e1');
      expect(await ats.claimEvent('greenhouse', 'e1', 'candidate.applied', at(2))).toBe(true);
      await ats.finishEvent('greenhouse', 'e1');
      expect(await ats.claimEvent('greenhouse', 'e1', 'candidate.applied', at(3))).toBe(false);
      await ats.linkCandidate('greenhouse', 'gh_1', { candidateId: 'cand_1' });
      expect(await ats.findCandidate('greenhouse', 'gh_1')).toEqual({ candidateId: 'cand_1' });
      await ats.linkCandidate('greenhouse', 'gh_1', { candidateId: 'cand_2', conversationId: 'conv_2' });
      expect(await ats.findCandidate('greenhouse', 'gh_1')).toEqual({ candidateId: 'cand_1' });
      await ats.linkCandidate('greenhouse', 'gh_2', { candidateId: 'cand_3', conversationId: 'conv_3' });
      expect(await ats.findCandidate('greenhouse', 'gh_2')).toEqual({ candidateId: 'cand_3', conversationId: 'conv_3' });
      expect(await ats.findCandidate('generic', 'gh_2')).toBeUndefined();
    });

    it('candidate list: id order, cursor pagination, stage and text filters', async () => {
      const { store } = p();
      const { queries } = p().ports.publicApi;
      for (const c of [candidate('cand_c', 'Carla', 'interviewing'), candidate('cand_a', 'Ana'), candidate('cand_b', 'Bruno', 'interviewing')]) await store.saveCandidate(c);
      const page1 = await queries.listCandidates({}, '', 2);
      expect(page1).toEqual([candidate('cand_a', 'Ana'), candidate('cand_b', 'Bruno', 'interviewing')]);
      expect((await queries.listCandidates({}, 'cand_b', 2)).map((c) => c.id)).toEqual(['cand_c']);
      expect((await queries.listCandidates({ stage: 'interviewing' }, '', 10)).map((c) => c.id)).toEqual(['cand_b', 'cand_c']);
      expect((await queries.listCandidates({ q: 'arl' }, '', 10)).map((c) => c.id)).toEqual(['cand_c']);
      expect((await queries.listCandidates({ q: 'bruno@mail' }, '', 10)).map((c) => c.id)).toEqual(['cand_b']);
      expect((await queries.listCandidates({ q: '%' }, '', 10)).map((c) => c.id)).toEqual([]);
    });

    it('audit: newest first, with candidate, type, time and actor filters', async () => {
      const { store } = p();
      const { queries } = p().ports.publicApi;
      const e1: DomainEvent = { id: 'evt_1', type: 'OperatorAction', at: at(1), actor: 'operator:op_ana', operatorId: 'op_ana', action: 'note', candidateId: 'cand_a', conversationId: 'c1', details: {} };
      const e2: DomainEvent = { id: 'evt_2', type: 'CandidateOptedOut', at: at(2), actor: 'candidate', candidateId: 'cand_a', conversationId: 'c1' };
      const e3: DomainEvent = { id: 'evt_3', type: 'OperatorAction', at: at(3), actor: 'apikey:key_1', operatorId: 'apikey:key_1', action: 'candidate-created', candidateId: 'cand_b', details: { via: 'api' } };
      await store.appendEvents([e1, e2, e3]);
      expect(await queries.listAudit({}, 10)).toEqual([e3, e2, e1]);
      expect((await queries.listAudit({}, 2)).map((e) => e.id)).toEqual(['evt_3', 'evt_2']);
      expect((await queries.listAudit({ candidateId: 'cand_a' }, 10)).map((e) => e.id)).toEqual(['evt_2', 'evt_1']);
      expect((await queries.listAudit({ type: 'OperatorAction' }, 10)).map((e) => e.id)).toEqual(['evt_3', 'evt_1']);
      expect((await queries.listAudit({ since: at(2), until: at(2) }, 10)).map((e) => e.id)).toEqual(['evt_2']);
      expect((await queries.listAudit({ actor: 'apikey:key_1' }, 10)).map((e) => e.id)).toEqual(['evt_3']);
    });
  });
}
