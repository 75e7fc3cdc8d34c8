/**
 * Scheduling after the screening interview (SCHEDULING_AUTO_OFFER=recommended) without email:
 * a recommended candidate is offered slots as soon as the interview ends, a weak one is not;
 * the invite is stored and downloadable from the API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../core/ports/index.js';
import { login } from '../operator-console/testing.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { runScriptedInterview } from './support/scripted-interview.js';

const PASSWORD = 'correct-horse-battery';
const TIMEOUT = 90_000;

describe('scheduling offered after a recommended screening (email off)', () => {
  let app: TestParley;
  let token: string;
  const auth = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    app = await startParley(
      { PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, INTERVIEW_MIN_QUESTIONS: '2', INTERVIEW_MAX_QUESTIONS: '2', SCHEDULING_AUTO_OFFER: 'recommended', SCHEDULING_OFFER_COUNT: '2' },
      { clock: new ManualClock(new Date('2026-03-02T09:00:00Z')) },
    );
    token = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
    const put = await fetch(`${app.url}/api/v1/scheduling/recruiters/tom`, {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Tom', timeZone: 'America/Sao_Paulo', weekly: { wed: [['14:00', '15:00']] } }),
    });
    expect(put.status).toBe(200);
  }, TIMEOUT);

  afterAll(async () => {
    await app?.stop();
  });

  it('offers slots to a recommended candidate when the interview ends, not to a weak one; the invite is stored for download', async () => {
    const weak = await runScriptedInterview(app.url, { name: 'Wes Weak', roleTitle: 'Python Developer', policy: 'weak' });
    await app.parley.engine.idle();
    expect(weak.received.filter((m) => /time zone|free times/.test(m.text))).toEqual([]);

    const strong = await runScriptedInterview(app.url, { name: 'Sara Strong', roleTitle: 'Python Developer', policy: 'strong' });
    await strong.waitForBot(/which time zone are you in/);
    // Wednesday 14:00 and 14:45 in São Paulo (UTC-3) are 17:00 and 17:45 UTC, 18:00 and 18:45 in Berlin.
    const offer = await strong.ask('Berlin', /next free times \(Europe\/Berlin\)/);
    expect(offer.choices?.map((c) => c.label)).toEqual(['Wednesday 4 March at 18:00', 'Wednesday 11 March at 18:00']);
    await strong.ask('2', /You're booked: Wednesday 11 March at 18:00 \(Europe\/Berlin\)/);

    // The invite is written once the booking turn has committed (a stored row, awaited).
    let res: Response | undefined;
    await eventually(async () => (res = await fetch(`${app.url}/api/v1/scheduling/conversations/${strong.conversationId}/invite.ics`, { headers: auth() })).status === 200, 'the stored invite');
    expect(res?.headers.get('content-type')).toMatch(/^text\/calendar/);
    const ics = (await res!.text()).replace(/\r\n[ \t]/g, '');
    expect(ics).toMatch(/^METHOD:REQUEST$/m);
    expect(ics).toMatch(/^DTSTART:20260311T170000Z$/m);
    expect(ics).toMatch(/^SUMMARY:Interview: Sara Strong with Acme$/m);
    expect((await app.parley.store.getConversation(strong.conversationId))?.state.schedule).toMatchObject({ at: '2026-03-11T17:00:00.000Z', timeZone: 'Europe/Berlin' });
    weak.close();
    strong.close();
  }, TIMEOUT);
});
