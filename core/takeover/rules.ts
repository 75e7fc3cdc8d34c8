import type { Conversation, NewDomainEvent } from '../domain/index.js';

/** Who acts on a conversation, from any desk (console operator `op_…`, Telegram HR user `telegram:…`). */
export interface TakeoverActor {
  id: string;
  /** Display name: what the candidate is told when this person joins or leaves. */
  name: string;
  role: 'admin' | 'recruiter' | 'viewer';
}

/**
 * Why a takeover rule said no. `viewer`: viewers watch, never act. `not-admin`: only an admin
 * may force. `held`: another operator holds the conversation. `not-held`: nobody holds it (no
 * takeover to end, or a reply without holding it).
 */
export type Refusal =
  | { refused: 'viewer' }
  | { refused: 'not-admin' }
  | { refused: 'held'; heldBy: string; heldByName?: string }
  | { refused: 'not-held' };

export type TakeoverDecision =
  | { kind: 'unchanged' }
  | ({ kind: 'refused' } & Refusal)
  | { kind: 'taken'; conversation: Conversation; events: NewDomainEvent[]; previous?: string };

export type HandbackDecision =
  | ({ kind: 'refused' } & Refusal)
  | { kind: 'released'; conversation: Conversation; events: NewDomainEvent[]; leaving: string };

/** Viewers watch; recruiters and admins act. */
export function canAct(role: TakeoverActor['role']): boolean {
  return role === 'admin' || role === 'recruiter';
}

/** Admins may take a conversation from, or hand it back for, another operator. */
export function canOverride(role: TakeoverActor['role']): boolean {
  return role === 'admin';
}

function holder(c: Conversation): string | undefined {
  return c.mode === 'human' ? c.assignedOperatorId : undefined;
}

function held(c: Conversation): Refusal {
  return { refused: 'held', heldBy: c.assignedOperatorId!, ...(c.assignedOperatorName ? { heldByName: c.assignedOperatorName } : {}) };
}

function withoutHolder(c: Conversation): Conversation {
  const { assignedOperatorId: _id, assignedOperatorName: _name, ...rest } = c;
  return rest;
}

/**
 * Take a conversation over: human mode, held by `actor`, "needs human" answered. Refused when
 * someone else holds it, unless `force` by an admin; a forced takeover is audited (`took-from`).
 * Taking one you already hold changes nothing.
 *
 * @example
 * decideTakeover(conversation, { id: 'op_1', name: 'Ana', role: 'recruiter' }, false) // { kind: 'taken', ... }
 */
export function decideTakeover(c: Conversation, actor: TakeoverActor, force: boolean): TakeoverDecision {
  if (!canAct(actor.role)) return { kind: 'refused', refused: 'viewer' };
  if (force && !canOverride(actor.role)) return { kind: 'refused', refused: 'not-admin' };
  const previous = holder(c);
  if (previous === actor.id) return { kind: 'unchanged' };
  if (previous && !force) return { kind: 'refused', ...held(c) };
  const events: NewDomainEvent[] = [{ type: 'OperatorTakeover', operatorId: actor.id }];
  if (previous) events.push({ type: 'OperatorAction', operatorId: actor.id, action: 'took-from', details: { previousOperatorId: previous } });
  return {
    kind: 'taken',
    conversation: { ...c, mode: 'human', assignedOperatorId: actor.id, assignedOperatorName: actor.name, needsHuman: false },
    events,
    ...(previous ? { previous } : {}),
  };
}

/**
 * Hand a conversation back to the bot, "needs human" reset. The holder, an admin (audited as
 * `handed-back-for` when it was someone else's), or any actor when nobody holds it (a lapsed
 * hold) may hand back. `leaving` is the name the candidate is told has left.
 */
export function decideHandback(c: Conversation, actor: TakeoverActor, summary?: string): HandbackDecision {
  if (!canAct(actor.role)) return { kind: 'refused', refused: 'viewer' };
  if (c.mode !== 'human') return { kind: 'refused', refused: 'not-held' };
  const current = c.assignedOperatorId;
  if (current && current !== actor.id && !canOverride(actor.role)) return { kind: 'refused', ...held(c) };
  const events: NewDomainEvent[] = [{ type: 'OperatorHandback', operatorId: actor.id, ...(summary ? { summary } : {}) }];
  if (current && current !== actor.id) events.push({ type: 'OperatorAction', operatorId: actor.id, action: 'handed-back-for', details: { previousOperatorId: current } });
  return {
    kind: 'released',
    conversation: { ...withoutHolder(c), mode: 'bot', needsHuman: false },
    events,
    leaving: current === actor.id || !c.assignedOperatorName ? actor.name : c.assignedOperatorName,
  };
}

/**
 * Release a hold that lapsed (the operator stayed offline past the grace period): still human
 * mode, nobody assigned, flagged for a human. Undefined when it was no longer theirs.
 */
export function decideLapse(c: Conversation, operatorId: string, reason: string): { conversation: Conversation; events: NewDomainEvent[] } | undefined {
  if (holder(c) !== operatorId) return undefined;
  return { conversation: { ...withoutHolder(c), needsHuman: true }, events: [{ type: 'ConversationUnassigned', operatorId, reason }] };
}

/** Only the holder replies to the candidate (so the bot and two people never talk at once). */
export function mayReply(c: Conversation, actor: TakeoverActor): Refusal | undefined {
  if (!canAct(actor.role)) return { refused: 'viewer' };
  const current = holder(c);
  if (current === actor.id) return undefined;
  return current ? held(c) : { refused: 'not-held' };
}
