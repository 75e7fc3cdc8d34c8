import { describe, expect, it } from '@jest/globals';
import { riskEpisodeId, riskTransition, type RiskEpisodeState } from './episode.js';
import type { RiskLevel } from './score.js';

const T0 = Date.UTC(2026, 0, 10, 12);
const H = 3_600_000;
const CANDIDATE = 'cand_1';

/** Feeds levels one hour apart through `riskTransition`, as the sweep would. */
function run(levels: readonly RiskLevel[], stepMs = H, config = { mediumCooldownHours: 24 }) {
  let state: RiskEpisodeState | undefined;
  return levels.map((level, k) => {
    const t = riskTransition(state, { level }, T0 + k * stepMs, CANDIDATE, config);
    state = t.state;
    return t;
  });
}
const alerts = (levels: readonly RiskLevel[], stepMs?: number) => run(levels, stepMs).map((t) => t.alert);

describe('riskTransition', () => {
  it('alerts once when crossing into high and opens an episode with a derived id', () => {
    const t = riskTransition(undefined, { level: 'high' }, T0, CANDIDATE);
    expect(t).toEqual({
      crossedIntoHigh: true,
      alert: true,
      episode: { id: `risk:cand_1:${T0}`, startedAt: T0 },
      state: { level: 'high', episode: { id: `risk:cand_1:${T0}`, startedAt: T0 } },
    });
    expect(riskEpisodeId(CANDIDATE, T0)).toBe(t.episode?.id);
  });

  it('does not re-alert while the level stays high', () => {
    const [first, second, third] = run(['high', 'high', 'high']);
    expect([first?.alert, second?.alert, third?.alert]).toEqual([true, false, false]);
    expect(third?.crossedIntoHigh).toBe(false);
    expect(third?.episode).toEqual(first?.episode);
  });

  it('alerts again after dropping to low and coming back', () => {
    const steps = run(['low', 'high', 'high', 'low', 'high']);
    expect(steps.map((t) => t.alert)).toEqual([false, true, false, false, true]);
    expect(steps[3]?.episode).toBeUndefined();
    expect(steps[4]?.episode).toEqual({ id: riskEpisodeId(CANDIDATE, T0 + 4 * H), startedAt: T0 + 4 * H });
    expect(steps[4]?.episode?.id).not.toBe(steps[1]?.episode?.id);
  });

  it('keeps one episode while hovering between medium and high', () => {
    const steps = run(['medium', 'high', 'medium', 'high', 'medium', 'high']);
    expect(steps.map((t) => t.alert)).toEqual([false, true, false, false, false, false]);
    expect(steps.map((t) => t.crossedIntoHigh)).toEqual([false, true, false, true, false, true]);
    expect(new Set(steps.slice(1).map((t) => t.episode?.id))).toEqual(new Set([riskEpisodeId(CANDIDATE, T0 + H)]));
  });

  it('ends the episode after the medium cooldown, so the next high alerts again', () => {
    // high, then medium for 23 h: still the same episode.
    expect(alerts(['high', 'medium', 'high'], 23 * H)).toEqual([true, false, false]);
    // high, then medium at +12 h and +36 h: 24 h at medium closes it.
    const steps = run(['high', 'medium', 'medium', 'high'], 12 * H);
    expect(steps.map((t) => t.alert)).toEqual([true, false, false, false]);
    const closing = run(['high', 'medium', 'medium', 'medium', 'high'], 12 * H);
    expect(closing.map((t) => t.alert)).toEqual([true, false, false, false, true]);
    expect(closing[3]).toMatchObject({ episode: undefined, state: { level: 'medium' } });
  });

  it('times the cooldown from when the level left high', () => {
    const steps = run(['high', 'medium', 'medium'], 12 * H);
    expect(steps[1]?.state).toMatchObject({ level: 'medium', mediumSince: T0 + 12 * H });
    expect(steps[2]?.state).toMatchObject({ level: 'medium', mediumSince: T0 + 12 * H });
  });

  it('closes at the first medium when the cooldown is zero', () => {
    const steps = run(['high', 'medium', 'high'], H, { mediumCooldownHours: 0 });
    expect(steps.map((t) => t.alert)).toEqual([true, false, true]);
  });

  it('never alerts below high', () => {
    expect(alerts(['low', 'medium', 'medium', 'low', 'medium'])).toEqual([false, false, false, false, false]);
    expect(run(['medium']).at(0)?.episode).toBeUndefined();
  });

  it('alerts for a stored high level that has no episode yet', () => {
    expect(riskTransition({ level: 'high' }, { level: 'high' }, T0, CANDIDATE)).toMatchObject({ alert: true, crossedIntoHigh: false });
  });

  it('takes now as a Date too', () => {
    expect(riskTransition(undefined, { level: 'high' }, new Date(T0), CANDIDATE)).toEqual(riskTransition(undefined, { level: 'high' }, T0, CANDIDATE));
  });
});
