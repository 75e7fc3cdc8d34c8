import { describe, expect, it } from '@jest/globals';
import { decideNudge, nudgeDelay, nudgeText, type NudgeInput, type NudgePolicy } from './nudges.js';
import { parseQuietHours } from './quiet-hours.js';

const H = 3_600_000;
const t = (iso: string) => new Date(iso);
const policy: NudgePolicy = { delaysMs: [2 * H, 24 * H], max: 3, quietHours: parseQuietHours('21:00-08:00'), stages: ['intake', 'interviewing'] };
const base: NudgeInput = { now: t('2026-01-10T12:00:00Z'), mode: 'bot', stage: 'intake', optedOut: false, lastCandidateAt: t('2026-01-10T09:00:00Z'), sent: [], timeZone: 'UTC' };

describe('decideNudge', () => {
  it.each<[string, Partial<NudgeInput>, ReturnType<typeof decideNudge>]>([
    ['first nudge once the first delay has passed', {}, { action: 'send', attempt: 1, next: t('2026-01-11T12:00:00Z') }],
    ['wait until the first delay is up', { now: t('2026-01-10T10:00:00Z') }, { action: 'wait', until: t('2026-01-10T11:00:00Z') }],
    ['second nudge measured from the first', { now: t('2026-01-11T12:00:00Z'), sent: [t('2026-01-10T11:00:00Z')] }, { action: 'send', attempt: 2, next: t('2026-01-12T12:00:00Z') }],
    ['the last delay repeats; no next after the last nudge', { now: t('2026-01-12T12:00:00Z'), sent: [t('2026-01-10T11:00:00Z'), t('2026-01-11T11:00:00Z')] }, { action: 'send', attempt: 3, next: undefined }],
    ['at most max', { sent: [t('2026-01-10T09:30:00Z'), t('2026-01-10T10:00:00Z'), t('2026-01-10T10:30:00Z')] }, { action: 'stop', reason: 'max-reached' }],
    ['never after opt-out', { optedOut: true }, { action: 'stop', reason: 'opted-out' }],
    ['never in human mode', { mode: 'human' }, { action: 'stop', reason: 'human-mode' }],
    ['only while we wait on the candidate', { stage: 'assessed' }, { action: 'stop', reason: 'not-waiting' }],
    ['during an interview too', { stage: 'interviewing' }, { action: 'send', attempt: 1, next: t('2026-01-11T12:00:00Z') }],
    ['due in quiet hours: wait for the morning', { now: t('2026-01-10T22:00:00Z'), lastCandidateAt: t('2026-01-10T19:30:00Z') }, { action: 'wait', until: t('2026-01-11T08:00:00Z') }],
    ['due before quiet hours, checked during them: wait', { now: t('2026-01-11T02:00:00Z'), lastCandidateAt: t('2026-01-10T12:00:00Z') }, { action: 'wait', until: t('2026-01-11T08:00:00Z') }],
    ['quiet hours are the candidate\'s own', { now: t('2026-01-11T02:00:00Z'), lastCandidateAt: t('2026-01-10T12:00:00Z'), timeZone: 'America/Los_Angeles' }, { action: 'send', attempt: 1, next: t('2026-01-12T02:00:00Z') }],
    ['the next nudge moves out of quiet hours', { now: t('2026-01-10T20:30:00Z'), lastCandidateAt: t('2026-01-10T18:00:00Z') }, { action: 'send', attempt: 1, next: t('2026-01-11T20:30:00Z') }],
  ])('%s', (_what, input, expected) => {
    expect(decideNudge({ ...base, ...input }, policy)).toEqual(expected);
  });

  it('moves a next nudge that would land at night to the morning', () => {
    const nightPolicy = { ...policy, delaysMs: [2 * H, 10 * H] };
    expect(decideNudge({ ...base, now: t('2026-01-10T14:00:00Z') }, nightPolicy)).toEqual({ action: 'send', attempt: 1, next: t('2026-01-11T08:00:00Z') });
  });

  it('picks delays per attempt and words nudges with the pending question', () => {
    expect([1, 2, 3, 9].map((n) => nudgeDelay(policy, n))).toEqual([2 * H, 24 * H, 24 * H, 24 * H]);
    expect(nudgeText(1, 'What is your name?')).toMatch(/^Are you still there\?.*\n\nWhat is your name\?$/s);
    expect(nudgeText(2, undefined)).toMatch(/^Just checking in/);
  });
});
