import { describe, expect, it } from '@jest/globals';
import { parseScheduleArgs } from './schedule-args.js';

const now = new Date('2026-04-01T09:00:00Z');
const args = (s: string) => s.split(' ');

describe('parseScheduleArgs', () => {
  it.each([
    ['ana 2026-05-01 10:00 https://meet.example/x', { query: 'ana', at: new Date('2026-05-01T10:00:00Z'), link: 'https://meet.example/x' }],
    ['Ana Lima 2026-05-01 9:30', { query: 'Ana Lima', at: new Date('2026-05-01T09:30:00Z') }],
    ['cand_1 2026-05-01 10:00+02:00', { query: 'cand_1', at: new Date('2026-05-01T08:00:00Z') }],
    ['cand_1 2026-05-01T10:00Z https://x.example', { query: 'cand_1', at: new Date('2026-05-01T10:00:00Z'), link: 'https://x.example' }],
  ])('%s', (input, expected) => expect(parseScheduleArgs(args(input), now)).toEqual(expected));

  it.each([
    ['2026-05-01 10:00', /Usage/],
    ['ana tomorrow 10:00', /Usage/],
    ['ana 2026-05-01', /Usage/],
    ['ana 2026-13-01 10:00', /not a valid date/],
    ['ana 2026-03-01 10:00', /in the past/],
    ['ana 2026-05-01 10:00 not-a-link', /not a link/],
    ['ana 2026-05-01 10:00 https://x.example extra', /Usage/],
  ])('%s is refused', (input, error) => {
    const result = parseScheduleArgs(args(input), now);
    expect('error' in result && result.error).toMatch(error);
  });
});
