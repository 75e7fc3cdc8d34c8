/**
 * ATS webhooks in: the generic format (Parley-Signature with rotation, 5-minute window, event-id
 * idempotency) and Greenhouse's own payloads and Signature header. A new candidate gets the first
 * message on WhatsApp (Meta's Graph API faked with nock: a template, as nobody wrote yet).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { ApiKeys, PUBLIC_API_BASE } from '../operator-console/index.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { embeddedDb } from './support/embedded.js';

const GRAPH = 'http://graph.test';
const SEND_PATH = '/v21.0/106540352242922/messages';
const env = {
  WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
  WHATSAPP_APP_SECRET: 'meta-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'verify-me',
  WHATSAPP_GRAPH_URL: `${GRAPH}/v21.0`,
  WHATSAPP_TEMPLATE_NAME: 'parley_follow_up',
  ATS_WEBHOOK_SECRETS: 'old-secret,new-secret',
  ATS_GREENHOUSE_SECRETS: 'greenhouse-secret',
};

type Sent = { to: string; type: string; text?: { body: string }; template?: { name: string; components?: { parameters: { text: string }[] }[] } };
let app: TestParley;
let sent: Sent[];

function graphAccepts() {
  let seq = 0;
  return nock(GRAPH)
    .post(SEND_PATH)
    .times(100)
    .reply(200, async (req: unknown) => {
      const json = (await (req as Request).json()) as Sent;
      sent.push(json);
      return { messaging_product: 'whatsapp', contacts: [{ input: json.to, wa_id: json.to }], messages: [{ id: `wamid.out.${++seq}` }] };
    });
}

function sign(body: string, secrets: string[], t = Math.floor(Date.now() / 1000)): string {
  return [`t=${t}`, ...secrets.map((s) => `v1=${createHmac('sha256', s).update(`${t}.${body}`).digest('hex')}`)].join(',');
}

async function post(payload: unknown, signature: (body: string) => string, path = '/webhooks/ats', extra: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...extra, ...(path.endsWith('greenhouse') ? { signature: signature(body) } : { 'parley-signature': signature(body) }) }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const applied = (id: string, atsId: string, name: string, phone: string) => ({ id, type: 'candidate.applied', data: { candidate: { id: atsId, name, email: `${name.split(' ')[0]?.toLowerCase()}@example.test`, phone, role: 'Python Developer' } } });

async function candidatesNamed(name: string) {
  return (await app.parley.store.listCandidates()).filter((c) => c.name === name);
}
const atsEvents = () => (embeddedDb(app.parley).prepare('SELECT COUNT(*) AS n FROM ats_events').get() as { n: number }).n;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterAll(() => nock.enableNetConnect());
beforeEach(async () => {
  sent = [];
  graphAccepts();
  app = await startParley(env);
});
afterEach(async () => {
  await app.stop();
  nock.cleanAll();
});

describe('ATS webhooks in (generic)', () => {
  it('candidate.applied creates the candidate and starts the conversation on WhatsApp; a replay is acknowledged once', async () => {
    const event = applied('ats-evt-1', 'ats-cand-1', 'Lena Schmidt', '+49 151 1234 5678');
    const first = await post(event, (b) => sign(b, ['new-secret']));
    expect(first).toEqual({ status: 200, body: { status: 'processed', id: 'ats-evt-1' } });
    const [lena] = await candidatesNamed('Lena Schmidt');
    expect(lena).toMatchObject({ email: 'lena@example.test', phone: '+4915112345678', role: 'python' });
    await eventually(() => sent.length > 0, 'the first WhatsApp message');
    expect(sent[0]?.to).toBe('4915112345678');
    // Nobody wrote yet: outside the 24-hour window, so the approved template carries the text.
    expect(sent[0]?.type).toBe('template');
    expect(JSON.stringify(sent[0])).toContain('thanks for applying for Python Developer');
    const conv = await app.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' });
    expect(conv?.candidateId).toBe(lena?.id);

    await app.parley.engine.idle();
    const before = sent.length;
    const again = await post(event, (b) => sign(b, ['new-secret']));
    expect(again).toEqual({ status: 200, body: { status: 'duplicate', id: 'ats-evt-1' } });
    await app.parley.engine.idle();
    expect(sent.length).toBe(before);
    expect(await candidatesNamed('Lena Schmidt')).toHaveLength(1);

    // interview.scheduled is recorded as the console's scheduling does it (stage, time, reminders).
    const at = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    const scheduled = await post({ id: 'ats-evt-9', type: 'interview.scheduled', data: { candidate: { id: 'ats-cand-1', name: 'Lena Schmidt' }, scheduledAt: at, link: 'https://meet.example.test/lena' } }, (b) => sign(b, ['new-secret']));
    expect(scheduled.status).toBe(200);
    expect((await app.parley.store.getCandidate(lena!.id))?.stage).toBe('scheduled');
    await eventually(() => JSON.stringify(sent).includes('https://meet.example.test/lena'), 'the scheduling message');
    const { key } = await new ApiKeys(app.parley.ports.publicApi.keys).create({ name: 'reader', scope: 'read', createdBy: 'test' }, new Date());
    const listed = (await (await fetch(`${app.url}${PUBLIC_API_BASE}/scheduled-interviews`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { candidateId: string; at: string; link?: string }[] };
    expect(listed.data).toEqual([{ conversationId: conv?.id, candidateId: lena?.id, at, link: 'https://meet.example.test/lena', timeZone: expect.any(String) }]);

    // Later events move the stage and send the matching message.
    const rejected = await post({ id: 'ats-evt-2', type: 'candidate.rejected', data: { candidate: { id: 'ats-cand-1', name: 'Lena Schmidt' } } }, (b) => sign(b, ['new-secret']));
    expect(rejected.status).toBe(200);
    expect((await app.parley.store.getCandidate(lena!.id))?.stage).toBe('rejected');
    await eventually(() => JSON.stringify(sent).includes('decided not to move forward'), 'the rejection message');
  });

  it('forged and stale signatures get 401 and nothing is stored; old and new secrets both work during a rotation', async () => {
    const forged = await post(applied('ats-evt-3', 'ats-cand-3', 'Forged Fred', '+4915100000003'), (b) => sign(b, ['guessed-secret']));
    expect(forged.status).toBe(401);
    const stale = await post(applied('ats-evt-4', 'ats-cand-4', 'Stale Stan', '+4915100000004'), (b) => sign(b, ['new-secret'], Math.floor(Date.now() / 1000) - 600));
    expect(stale.status).toBe(401);
    expect(stale.body['detail']).toMatch(/5-minute/);
    const unsigned = await post(applied('ats-evt-5', 'ats-cand-5', 'Unsigned Una', '+4915100000005'), () => '');
    expect(unsigned.status).toBe(401);
    expect(atsEvents()).toBe(0);
    expect(await candidatesNamed('Forged Fred')).toEqual([]);
    expect(await candidatesNamed('Stale Stan')).toEqual([]);
    await app.parley.engine.idle();
    expect(sent).toEqual([]);

    // Rotation: the old secret still works, and a header with a wrong and a right v1 is accepted.
    expect((await post(applied('ats-evt-6', 'ats-cand-6', 'Old Olga', '+4915100000006'), (b) => sign(b, ['old-secret']))).status).toBe(200);
    expect((await post(applied('ats-evt-7', 'ats-cand-7', 'Both Bea', '+4915100000007'), (b) => sign(b, ['retired-secret', 'new-secret']))).status).toBe(200);
    expect(await candidatesNamed('Old Olga')).toHaveLength(1);
    expect(await candidatesNamed('Both Bea')).toHaveLength(1);
  });

  it('a malformed event with a valid signature is acknowledged and ignored', async () => {
    const bad = await post({ id: 'ats-evt-8', type: 'candidate.applied', data: { candidate: { name: 'No Id' } } }, (b) => sign(b, ['new-secret']));
    expect(bad).toEqual({ status: 202, body: { status: 'ignored', reason: 'malformed' } });
    const notJson = await post('{"id": ', (b) => sign(b, ['new-secret']));
    expect(notJson.status).toBe(202);
    expect(await candidatesNamed('No Id')).toEqual([]);
    expect(atsEvents()).toBe(0);
  });
});

describe('Greenhouse web hooks', () => {
  const greenhouse = {
    action: 'new_candidate_application',
    payload: {
      application: {
        id: 69306314,
        current_stage: { id: 767358, name: 'Application Review' },
        jobs: [{ id: 274075, name: 'Python Developer' }],
        candidate: {
          id: 53883394,
          first_name: 'Johnny',
          last_name: 'Smith',
          email_addresses: [{ value: 'johnny@example.test', type: 'personal' }],
          phone_numbers: [{ value: '+1 (415) 555-0100', type: 'mobile' }],
        },
      },
    },
  };
  const ghSign = (secret: string) => (body: string) => `sha256 ${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('a new_candidate_application creates the candidate and the first message goes out on WhatsApp; forged is 401', async () => {
    const forged = await post(greenhouse, ghSign('wrong'), '/webhooks/ats/greenhouse', { 'greenhouse-event-id': 'gh-1' });
    expect(forged.status).toBe(401);
    expect(await candidatesNamed('Johnny Smith')).toEqual([]);

    const ok = await post(greenhouse, ghSign('greenhouse-secret'), '/webhooks/ats/greenhouse', { 'greenhouse-event-id': 'gh-1' });
    expect(ok).toEqual({ status: 200, body: { status: 'processed', id: 'gh-1' } });
    const [johnny] = await candidatesNamed('Johnny Smith');
    expect(johnny).toMatchObject({ email: 'johnny@example.test', phone: '+14155550100', role: 'python' });
    await eventually(() => sent.some((s) => s.to === '14155550100'), 'the first message to Johnny');
    expect(JSON.stringify(sent.find((s) => s.to === '14155550100'))).toContain('Hi Johnny');

    const rejected = { action: 'reject_candidate', payload: { application: { ...greenhouse.payload.application, current_stage: { name: 'Rejected' } } } };
    expect((await post(rejected, ghSign('greenhouse-secret'), '/webhooks/ats/greenhouse', { 'greenhouse-event-id': 'gh-2' })).status).toBe(200);
    expect((await app.parley.store.getCandidate(johnny!.id))?.stage).toBe('rejected');
  });
});
