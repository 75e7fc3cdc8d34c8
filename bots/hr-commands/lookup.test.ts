import { describe, expect, it } from '@jest/globals';
import type { Candidate } from '../../core/domain/index.js';
import { matchCandidates } from './lookup.js';
import { parseHrUsers } from './roles.js';

const at = new Date('2026-01-01T00:00:00Z');
const c = (id: string, name?: string, phone?: string): Candidate => ({ id, stage: 'screening', optedOut: false, unreachable: false, createdAt: at, updatedAt: at, ...(name ? { name } : {}), ...(phone ? { phone } : {}) });
const people = [c('cand_1', 'Ana Lima', '+351 912 345 678'), c('cand_2', 'Ana Souza'), c('cand_3', 'João Ânimo'), c('cand_4'), c('cand_5', 'Anabela Lima')];
const ids = (q: string) => matchCandidates(people, q).map((x) => x.id);

describe('matchCandidates', () => {
  it.each([
    ['Ana Lima', ['cand_1']],
    ['ana lima', ['cand_1']],
    ['ana', ['cand_1', 'cand_2', 'cand_5']],
    ['lima', ['cand_1', 'cand_5']],
    ['joao animo', ['cand_3']],
    ['912345678', ['cand_1']],
    ['+351 912-345-678', ['cand_1']],
    ['nobody', []],
  ])('%s', (q, expected) => expect(ids(q)).toEqual(expected));
});

describe('parseHrUsers', () => {
  it('reads id:role pairs', () => {
    expect([...parseHrUsers(' 12345:admin, 67890:recruiter,555:viewer ')]).toEqual([
      ['12345', 'admin'],
      ['67890', 'recruiter'],
      ['555', 'viewer'],
    ]);
    expect(parseHrUsers(undefined).size).toBe(0);
  });

  it('refuses anything else, saying the format', () => {
    expect(() => parseHrUsers('12345:boss')).toThrow(/<user id>:<admin\|recruiter\|viewer>/);
    expect(() => parseHrUsers('alice:admin')).toThrow(/pairs/);
  });
});
