import type { z } from 'zod';
import type { Conversation } from './conversation.js';

/** The conversation's stored snapshot: one slice per owning feature (`interview`, `intake`, ...). */
export type ConversationState = Conversation['state'];

/** A stored slice that did not match its schema (reported once per conversation and slice). */
export interface MalformedSlice {
  slice: string;
  conversationId: string | undefined;
  /** The first few schema issues, as `path: message`. */
  issues: string[];
}

/**
 * One typed part of `Conversation.state`, owned by one feature. Reading parses with the slice's
 * zod schema: a stored value that does not match is reported (once per conversation) and read
 * as absent, so a bad row never crashes a turn; the owner's next write repairs it.
 */
export interface StateSlice<T> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  /** The slice's value, or undefined when it is absent or malformed. */
  read(conversation: Pick<Conversation, 'state'> & { id?: string }): T | undefined;
  /** A copy of `state` with this slice set to `value` (undefined removes the slice). */
  write(state: ConversationState, value: T | undefined): ConversationState;
}

let listener: ((report: MalformedSlice) => void) | undefined;
const reported = new Set<string>();
/** Bounds the memory of what was reported; past it, a conversation may be reported again. */
const MAX_REPORTED = 10_000;
const defined = new Set<string>();

/**
 * Who hears about malformed stored slices (the app logs them; one listener per process, as
 * `onDateRepair` in core/store/codec.ts).
 *
 * @example
 * onMalformedSlice((r) => log.warn(r, 'a stored conversation state slice did not parse'));
 */
export function onMalformedSlice(next: ((report: MalformedSlice) => void) | undefined): void {
  listener = next;
}

function report(name: string, conversationId: string | undefined, error: z.ZodError): void {
  const key = `${conversationId ?? '?'}\u0000${name}`;
  if (reported.has(key)) return;
  if (reported.size >= MAX_REPORTED) reported.clear();
  reported.add(key);
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  listener?.({ slice: name, conversationId, issues });
}

/**
 * Declare a slice of conversation state next to the feature that owns it. A name can be
 * declared once per process (two owners of one slice is the bug this prevents).
 *
 * @example
 * export const intakeSlice = defineSlice('intake', z.object({ step: IntakeStepSchema, retries: z.number().int() }));
 * const intake = intakeSlice.read(conversation);            // IntakeState | undefined
 * conversation.state = intakeSlice.write(conversation.state, next);
 */
export function defineSlice<S extends z.ZodType>(name: string, schema: S): StateSlice<z.output<S>> {
  if (defined.has(name)) throw new TypeError(`conversation state slice "${name}" is declared twice`);
  defined.add(name);
  return {
    name,
    schema: schema as unknown as z.ZodType<z.output<S>>,
    read(conversation) {
      const raw = conversation.state[name];
      if (raw === undefined) return undefined;
      const parsed = schema.safeParse(raw);
      if (parsed.success) return parsed.data as z.output<S>;
      report(name, conversation.id, parsed.error);
      return undefined;
    },
    write(state, value) {
      if (value !== undefined) return { ...state, [name]: value };
      const { [name]: _removed, ...rest } = state;
      void _removed;
      return rest;
    },
  };
}

/**
 * What an erased conversation keeps: its state is replaced whole (retention, erasure on
 * request), so no slice survives. The one write that is not a slice owner's.
 */
export function erasedState(at: Date): ConversationState {
  return { erasedAt: at.toISOString() };
}
