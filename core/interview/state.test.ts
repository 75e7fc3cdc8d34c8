import { describe, expect, it } from '@jest/globals';
import { startInterview } from './machine.js';
import { abandonNoticeSlice, abandonStaleInterview, interviewSlice } from './state.js';
import { syntheticBank } from './test-bank.js';

describe('stale interview sessions (the interview machine\'s own rule, applied by the abandonment job)', () => {
  const MIN = 60_000;
  const bank = syntheticBank();
  const askedAt = Date.parse('2026-05-03T11:00:00Z');
  const [session] = startInterview({ role: 'test', skills: bank.skills }, bank, askedAt);
  const at = (minutes: number) => new Date(askedAt + minutes * MIN);
  const conv = (interview: unknown) => ({ id: 'conv_1', state: interview === undefined ? {} : { interview } });

  it.each<[string, unknown, number, boolean]>([
    ['pending question unanswered for 31 minutes', session, 31, true],
    ['unanswered for 29 minutes', session, 29, false],
    ['waiting for a recruiter (on hold)', { ...session, hold: { reason: 'answers could not be understood', at: askedAt, until: askedAt + 10 * MIN } }, 120, false],
    ['completed', { ...session, status: 'completed' }, 120, false],
    ['already abandoned', { ...session, status: 'abandoned' }, 120, false],
    ['no session', undefined, 120, false],
    ['not a session', { status: 'in-progress', foo: 1 }, 120, false],
  ])('%s -> %s', (_what, interview, minutes, abandoned) => {
    const result = abandonStaleInterview(conv(interview), at(minutes), 30 * MIN);
    expect(result?.session.status).toBe(abandoned ? 'abandoned' : undefined);
  });

  it('changes only the status (the pending question is kept for "continue") and records the notice once', () => {
    const result = abandonStaleInterview({ id: 'conv_1', state: { interview: session, intake: { step: 'done', retries: 0 } } }, at(31), 30 * MIN);
    expect(result?.state).toEqual({ interview: { ...session, status: 'abandoned' }, intake: { step: 'done', retries: 0 }, interviewAbandonNoticeAt: '2026-05-03T11:31:00.000Z' });
    expect(interviewSlice.read({ state: result!.state })?.pending).toEqual(session.pending);
    expect(abandonNoticeSlice.read({ state: result!.state })).toBe('2026-05-03T11:31:00.000Z');
  });
});
