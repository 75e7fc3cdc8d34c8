import { describe, expect, it } from '@jest/globals';
import type { Conversation } from '../domain/index.js';
import { decideHandback, decideLapse, decideTakeover, mayReply, type TakeoverActor } from './rules.js';

const at = new Date('2026-01-01T00:00:00Z');
const base: Conversation = { id: 'conv_1', ref: { channel: 'telegram', externalId: '1' }, candidateId: 'cand_1', mode: 'bot', stage: 'screening', needsHuman: false, state: {}, version: 3, lastActivityAt: at, createdAt: at, updatedAt: at };
const held = (by: string, name: string, extra: Partial<Conversation> = {}): Conversation => ({ ...base, mode: 'human', assignedOperatorId: by, assignedOperatorName: name, ...extra });
const rui: TakeoverActor = { id: 'telegram:1', name: 'Rui', role: 'recruiter' };
const teo: TakeoverActor = { id: 'op_2', name: 'Teo', role: 'recruiter' };
const adele: TakeoverActor = { id: 'op_3', name: 'Adele', role: 'admin' };
const vera: TakeoverActor = { id: 'op_4', name: 'Vera', role: 'viewer' };

describe('decideTakeover', () => {
  it.each([
    ['a viewer', base, vera, false, { kind: 'refused', refused: 'viewer' }],
    ['a recruiter forcing', held('op_2', 'Teo'), rui, true, { kind: 'refused', refused: 'not-admin' }],
    ['someone else holds it', held('op_2', 'Teo'), rui, false, { kind: 'refused', refused: 'held', heldBy: 'op_2', heldByName: 'Teo' }],
    ['the holder again', held('telegram:1', 'Rui'), rui, false, { kind: 'unchanged' }],
    ['an admin without force', held('op_2', 'Teo'), adele, false, { kind: 'refused', refused: 'held', heldBy: 'op_2', heldByName: 'Teo' }],
  ] as const)('refuses or keeps: %s', (_name, conversation, actor, force, expected) => {
    expect(decideTakeover(conversation, actor, force)).toEqual(expected);
  });

  it('takes a bot conversation: human mode, holder and name recorded, needs-human answered, one event', () => {
    expect(decideTakeover({ ...base, needsHuman: true }, rui, false)).toEqual({
      kind: 'taken',
      conversation: { ...base, mode: 'human', assignedOperatorId: 'telegram:1', assignedOperatorName: 'Rui', needsHuman: false },
      events: [{ type: 'OperatorTakeover', operatorId: 'telegram:1' }],
    });
  });

  it('an admin forcing takes it from the holder, audited as took-from', () => {
    const decision = decideTakeover(held('op_2', 'Teo'), adele, true);
    expect(decision).toMatchObject({ kind: 'taken', previous: 'op_2', conversation: { assignedOperatorId: 'op_3', assignedOperatorName: 'Adele' } });
    expect(decision.kind === 'taken' && decision.events).toEqual([
      { type: 'OperatorTakeover', operatorId: 'op_3' },
      { type: 'OperatorAction', operatorId: 'op_3', action: 'took-from', details: { previousOperatorId: 'op_2' } },
    ]);
  });

  it('a lapsed hold (human mode, nobody assigned) is taken without force', () => {
    expect(decideTakeover({ ...base, mode: 'human', needsHuman: true }, rui, false)).toMatchObject({ kind: 'taken', conversation: { needsHuman: false }, events: [{ type: 'OperatorTakeover' }] });
  });
});

describe('decideHandback', () => {
  it.each([
    ['a viewer', held('op_2', 'Teo'), vera, { kind: 'refused', refused: 'viewer' }],
    ['nobody holds it (bot mode)', base, rui, { kind: 'refused', refused: 'not-held' }],
    ["a recruiter, someone else's", held('op_2', 'Teo'), rui, { kind: 'refused', refused: 'held', heldBy: 'op_2', heldByName: 'Teo' }],
  ] as const)('refuses: %s', (_name, conversation, actor, expected) => {
    expect(decideHandback(conversation, actor)).toEqual(expected);
  });

  it('the holder hands back: bot mode, holder cleared, needs-human reset, summary kept, their name leaves', () => {
    expect(decideHandback(held('telegram:1', 'Rui', { needsHuman: true }), rui, 'done')).toEqual({
      kind: 'released',
      conversation: { ...base, mode: 'bot', needsHuman: false },
      events: [{ type: 'OperatorHandback', operatorId: 'telegram:1', summary: 'done' }],
      leaving: 'Rui',
    });
  });

  it("an admin hands back someone else's: audited, and the holder is the one who leaves", () => {
    expect(decideHandback(held('op_2', 'Teo'), adele)).toEqual({
      kind: 'released',
      conversation: { ...base, mode: 'bot', needsHuman: false },
      events: [
        { type: 'OperatorHandback', operatorId: 'op_3' },
        { type: 'OperatorAction', operatorId: 'op_3', action: 'handed-back-for', details: { previousOperatorId: 'op_2' } },
      ],
      leaving: 'Teo',
    });
  });

  it('anyone acting may end a lapsed hold', () => {
    expect(decideHandback({ ...base, mode: 'human', needsHuman: true }, teo)).toMatchObject({ kind: 'released', conversation: { mode: 'bot', needsHuman: false }, leaving: 'Teo' });
  });
});

describe('decideLapse and mayReply', () => {
  it('a lapse keeps human mode, clears the holder and flags needs-human; only for the holder', () => {
    expect(decideLapse(held('op_2', 'Teo'), 'op_2', 'offline')).toEqual({
      conversation: { ...base, mode: 'human', needsHuman: true },
      events: [{ type: 'ConversationUnassigned', operatorId: 'op_2', reason: 'offline' }],
    });
    expect(decideLapse(held('op_2', 'Teo'), 'op_3', 'offline')).toBeUndefined();
    expect(decideLapse({ ...base, assignedOperatorId: 'op_2' }, 'op_2', 'offline')).toBeUndefined();
  });

  it('only the holder replies', () => {
    expect(mayReply(held('telegram:1', 'Rui'), rui)).toBeUndefined();
    expect(mayReply(held('op_2', 'Teo'), rui)).toEqual({ refused: 'held', heldBy: 'op_2', heldByName: 'Teo' });
    expect(mayReply(held('op_2', 'Teo'), adele)).toEqual({ refused: 'held', heldBy: 'op_2', heldByName: 'Teo' });
    expect(mayReply(base, rui)).toEqual({ refused: 'not-held' });
    expect(mayReply(held('op_4', 'Vera'), vera)).toEqual({ refused: 'viewer' });
  });
});
