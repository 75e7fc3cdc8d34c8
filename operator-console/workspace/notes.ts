import { z } from 'zod';
import { NotFoundError, ValidationError, newId } from '../../core/domain/index.js';
import type { Clock, Store } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import { MAX_OPERATOR_TEXT, type ConversationNote, type OperatorProfile } from '../contract.js';
import type { Broadcaster } from '../live/broadcaster.js';
import type { ConsoleStore } from '../store/types.js';
import { requireActing } from '../takeover/permissions.js';
import { toWireNote } from '../wire.js';

const NoteTextSchema = z.string({ error: 'text must be a string' }).trim().min(1, 'text must not be empty').max(MAX_OPERATOR_TEXT, `text must be at most ${MAX_OPERATOR_TEXT} characters`);

/** Internal notes on a conversation: for the team, never sent to the candidate. */
export class Notes {
  constructor(private readonly deps: { store: Store; consoleStore: ConsoleStore; audit: AuditTrail; broadcaster: Broadcaster; clock: Clock }) {}

  async add(operator: OperatorProfile, conversationId: string, text: unknown): Promise<ConversationNote> {
    requireActing(operator, 'write notes');
    const parsed = NoteTextSchema.safeParse(text);
    if (!parsed.success) throw new ValidationError('Invalid note', parsed.error.issues.map((i) => i.message));
    const conversation = await this.deps.store.getConversation(conversationId);
    if (!conversation) throw new NotFoundError('Conversation', conversationId);
    const note = { id: newId('note'), conversationId, operatorId: operator.id, text: parsed.data, createdAt: this.deps.clock.now() };
    await this.deps.consoleStore.addNote(note);
    await this.deps.audit.record(operator.id, 'note-added', { noteId: note.id }, { conversationId, candidateId: conversation.candidateId });
    const wire = toWireNote(note, operator.name);
    this.deps.broadcaster.toConversation(conversationId, 'note', wire);
    return wire;
  }
}
