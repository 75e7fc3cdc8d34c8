import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../core/ports/index.js';
import { ConsoleError } from '../errors.js';
import { ReportLinks } from './report-links.js';

const SECRET = 'x'.repeat(48);

function links(clock: ManualClock, versions: Map<string, number>) {
  return new ReportLinks(SECRET, 600, clock, {
    authenticateId: async (id: string, v: number) => {
      if (versions.get(id) !== v) throw new ConsoleError('UNAUTHORIZED', 'session ended');
      return { operator: {} as never };
    },
  });
}

describe('ReportLinks', () => {
  it('opens until its expiry, then refuses', async () => {
    const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
    const l = links(clock, new Map([['op_1', 3]]));
    const { token, expiresAt } = l.mint({ id: 'op_1', tokenVersion: 3 }, 'cand_1');
    expect(expiresAt.toISOString()).toBe('2026-03-02T10:10:00.000Z');
    clock.advance(599_000);
    await expect(l.verify(token)).resolves.toEqual({ candidateId: 'cand_1', operatorId: 'op_1' });
    clock.advance(1_000);
    await expect(l.verify(token)).rejects.toThrow(/expired/);
  });

  it('refuses a link signed with another secret, a changed one, and one whose author signed out since', async () => {
    const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
    const versions = new Map([['op_1', 1]]);
    const l = links(clock, versions);
    const other = new ReportLinks('y'.repeat(48), 600, clock, { authenticateId: async () => ({ operator: {} as never }) });
    await expect(l.verify(other.mint({ id: 'op_1', tokenVersion: 1 }, 'cand_1').token)).rejects.toThrow(/not valid/);
    const { token } = l.mint({ id: 'op_1', tokenVersion: 1 }, 'cand_1');
    await expect(l.verify(`${token}x`)).rejects.toThrow(/not valid/);
    await expect(l.verify(undefined)).rejects.toThrow(/not valid/);
    versions.set('op_1', 2);
    await expect(l.verify(token)).rejects.toThrow(/no longer valid/);
  });
});
