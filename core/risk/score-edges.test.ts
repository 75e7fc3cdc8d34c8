// Edges of the risk score and its recommended action that the main suite (score.test.ts) leaves
// open (issue 12, surviving mutants of core/risk/score.ts): scaling above a total of 1, the
// boundary at exactly 1, factors that round to nothing, and which actions survive nudges and
// opt-out.
import { describe, expect, it } from '@jest/globals';
import { resolveRiskConfig } from './config.js';
import type { RiskInput } from './input.js';
import { assessRisk, recommendAction, type RiskAssessment } from './score.js';

const NOW = Date.UTC(2026, 0, 10, 12);
const H = 3_600_000;
/** An engaged candidate in intake: wrote an hour ago, the bot answered a minute later. */
const base: RiskInput = { stage: 'intake', now: NOW, lastCandidateMessageAt: NOW - H, lastBotMessageAt: NOW - H + 60_000 };
const shown = (a: RiskAssessment) => a.factors.map((f) => [f.name, f.contribution]);
const bot = { unansweredNudges: 0, mode: 'bot' as const };

describe('assessRisk: totals above, at and below 1', () => {
  it('scales factors adding up to 1.4 down by 1.4, each to 4 decimals', () => {
    // 32 h of silence in intake saturates at 0.6; a missed interview is 0.45; an abandoned one 0.35.
    const a = assessRisk({ ...base, lastCandidateMessageAt: NOW - 32 * H, lastBotMessageAt: NOW - 32 * H + 60_000, missedInterview: true, interview: 'abandoned' });
    expect(shown(a)).toEqual([
      ['silence', 0.4286],
      ['missed-interview', 0.3214],
      ['interview-abandoned', 0.25],
    ]);
    expect(a).toMatchObject({ score: 1, level: 'high', recommendedAction: 'nudge' });
  });

  it('gives the rounding remainder to the top factor when scaled shares miss 1 (three equal factors of 0.4)', () => {
    const config = resolveRiskConfig({ weights: { 'missed-interview': 0.4, 'interview-abandoned': 0.4, 'unanswered-nudges': 0.4 } });
    const a = assessRisk({ ...base, missedInterview: true, interview: 'abandoned', unansweredNudges: 2 }, config);
    expect(shown(a)).toEqual([
      ['missed-interview', 0.3334],
      ['interview-abandoned', 0.3333],
      ['unanswered-nudges', 0.3333],
    ]);
    expect(a.score).toBe(1);
  });

  it('leaves a total of exactly 1 as it is: three thirds show as 0.3333 each and score 0.9999', () => {
    const third = 1 / 3;
    const config = resolveRiskConfig({ weights: { 'missed-interview': third, 'interview-abandoned': third, 'unanswered-nudges': third } });
    const a = assessRisk({ ...base, missedInterview: true, interview: 'abandoned', unansweredNudges: 2 }, config);
    expect(shown(a)).toEqual([
      ['missed-interview', 0.3333],
      ['interview-abandoned', 0.3333],
      ['unanswered-nudges', 0.3333],
    ]);
    expect(a).toMatchObject({ score: 0.9999, level: 'high' });
  });

  it('does not list a factor that rounds to 0 (a paused interview weighted 0.00004)', () => {
    const config = resolveRiskConfig({ weights: { 'interview-paused': 0.00004 } });
    expect(assessRisk({ ...base, interview: 'paused' }, config)).toEqual({ score: 0, level: 'low', factors: [], recommendedAction: 'none' });
  });
});

describe('recommendAction: edges', () => {
  it('recommends nothing, without failing, for a level above low with no factors', () => {
    expect(recommendAction('medium', [], bot)).toBe('none');
    expect(recommendAction('high', [], { unansweredNudges: 5, mode: 'human' })).toBe('none');
  });

  it('never contacts an opted-out candidate, even with an abandoned interview and negative tone', () => {
    const factors = [
      { name: 'opted-out' as const, contribution: 0.5 },
      { name: 'interview-abandoned' as const, contribution: 0.3 },
      { name: 'negative-sentiment' as const, contribution: 0.2 },
    ];
    expect(recommendAction('high', factors, bot)).toBe('none');
  });

  it('does not treat a negative-sentiment factor of 0 as negative tone beside an abandoned interview', () => {
    const factors = [
      { name: 'interview-abandoned' as const, contribution: 0.35 },
      { name: 'negative-sentiment' as const, contribution: 0 },
    ];
    expect(recommendAction('medium', factors, bot)).toBe('nudge');
    expect(recommendAction('medium', [factors[0]!, { name: 'negative-sentiment', contribution: 0.0001 }], bot)).toBe('takeover');
  });

  it('keeps a takeover for negative tone when every nudge is already ignored (only nudges turn into a call)', () => {
    // Negative sentiment 0.3 ties with two ignored nudges 0.3: negative sentiment comes first in factor order.
    const a = assessRisk({ ...base, recentCandidateMessages: ['this is a waste of time'], unansweredNudges: 2 });
    expect(shown(a)).toEqual([
      ['negative-sentiment', 0.3],
      ['unanswered-nudges', 0.3],
    ]);
    expect(a).toMatchObject({ score: 0.6, level: 'medium', recommendedAction: 'takeover' });
    expect(recommendAction('high', [{ name: 'missed-interview', contribution: 0.45 }], { unansweredNudges: 2, mode: 'bot' })).toBe('recruiter-call');
  });
});
