import { z } from 'zod';
import { NotFoundError, ValidationError, newId, scheduleSlice } from '../../core/domain/index.js';
import type { Clock, Store } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import { ConsoleError } from '../errors.js';
import { MAX_OPERATOR_TEXT, type CannedResponse, type OperatorProfile } from '../contract.js';
import type { ConsoleStore, StoredCannedResponse } from '../store/types.js';
import { requireActing } from '../takeover/permissions.js';
import { toWireCanned } from '../wire.js';
import { fillCannedText, formatInterviewTime, type CannedValues } from './canned-variables.js';

const CannedSchema = z.object({
  title: z.string({ error: 'title must be a string' }).trim().min(1, 'title must not be empty').max(80, 'title must be at most 80 characters'),
  text: z.string({ error: 'text must be a string' }).trim().min(1, 'text must not be empty').max(MAX_OPERATOR_TEXT, `text must be at most ${MAX_OPERATOR_TEXT} characters`),
  scope: z.enum(['personal', 'shared'], { error: 'scope must be personal or shared' }).optional(),
});
const FillSchema = z.object({ conversationId: z.string({ error: 'conversationId must be a string' }).min(1).max(128) });

export interface CannedDeps {
  consoleStore: ConsoleStore;
  store: Pick<Store, 'getConversation' | 'getCandidate'>;
  audit: AuditTrail;
  clock: Clock;
  /** A role's title from the question banks (the id when unknown). */
  roleTitle?: (roleId: string) => string | undefined;
}

/**
 * Saved replies operators insert into the composer: personal (seen by their author only) or
 * shared (seen by everyone; edited by the author or an admin). Changes are audited.
 */
export class CannedResponses {
  constructor(private readonly deps: CannedDeps) {}

  /** The shared ones and the operator's own personal ones. */
  async list(operator: OperatorProfile): Promise<CannedResponse[]> {
    return (await this.deps.consoleStore.listCannedResponses()).filter((c) => visibleTo(c, operator)).map(toWireCanned);
  }

  async create(operator: OperatorProfile, input: unknown): Promise<CannedResponse> {
    requireActing(operator, 'edit canned responses');
    const { title, text, scope } = parse(input);
    const now = this.deps.clock.now();
    const canned: StoredCannedResponse = { id: newId('canned'), title, text, createdBy: operator.id, ...(scope === 'personal' ? { personal: true } : {}), createdAt: now, updatedAt: now };
    await this.deps.consoleStore.saveCannedResponse(canned);
    await this.deps.audit.record(operator.id, 'canned-response-created', { cannedResponseId: canned.id, title, scope: scope ?? 'shared' });
    return toWireCanned(canned);
  }

  async update(operator: OperatorProfile, id: string, input: unknown): Promise<CannedResponse> {
    requireActing(operator, 'edit canned responses');
    const { title, text, scope } = parse(input);
    const current = await this.editable(operator, id);
    // Only the author moves a reply between personal and shared.
    const personal = scope && current.createdBy === operator.id ? scope === 'personal' : current.personal === true;
    const { personal: _was, ...rest } = current;
    const canned: StoredCannedResponse = { ...rest, title, text, ...(personal ? { personal: true } : {}), updatedAt: this.deps.clock.now() };
    await this.deps.consoleStore.saveCannedResponse(canned);
    await this.deps.audit.record(operator.id, 'canned-response-updated', { cannedResponseId: id, title, scope: personal ? 'personal' : 'shared' });
    return toWireCanned(canned);
  }

  async remove(operator: OperatorProfile, id: string): Promise<void> {
    requireActing(operator, 'edit canned responses');
    await this.editable(operator, id);
    if (!(await this.deps.consoleStore.deleteCannedResponse(id))) throw new NotFoundError('Canned response', id);
    await this.deps.audit.record(operator.id, 'canned-response-deleted', { cannedResponseId: id });
  }

  /** The reply's text with its variables filled for one conversation; `missing` names those with no value (left as written). */
  async fill(operator: OperatorProfile, id: string, input: unknown): Promise<{ text: string; missing: string[] }> {
    const parsed = FillSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid request', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
    const canned = await this.deps.consoleStore.getCannedResponse(id);
    if (!canned || !visibleTo(canned, operator)) throw new NotFoundError('Canned response', id);
    const conversation = await this.deps.store.getConversation(parsed.data.conversationId);
    if (!conversation) throw new NotFoundError('Conversation', parsed.data.conversationId);
    const candidate = await this.deps.store.getCandidate(conversation.candidateId);
    const schedule = scheduleSlice.read(conversation);
    const values: CannedValues = {
      'candidate.name': candidate?.name,
      role: candidate?.role ? (this.deps.roleTitle?.(candidate.role) ?? candidate.role) : undefined,
      'recruiter.name': operator.name,
      nextInterview: schedule && Date.parse(schedule.at) > this.deps.clock.now().getTime() ? formatInterviewTime(new Date(schedule.at), schedule.timeZone ?? candidate?.timeZone) : undefined,
    };
    return fillCannedText(canned.text, values);
  }

  /** The reply, when this operator may change it: their own, or a shared one for an admin. */
  private async editable(operator: OperatorProfile, id: string): Promise<StoredCannedResponse> {
    const current = await this.deps.consoleStore.getCannedResponse(id);
    if (!current || !visibleTo(current, operator)) throw new NotFoundError('Canned response', id);
    if (current.createdBy !== operator.id && operator.role !== 'admin') throw new ConsoleError('FORBIDDEN', 'Only its author or an admin can change a shared canned response.');
    return current;
  }
}

function visibleTo(c: StoredCannedResponse, operator: OperatorProfile): boolean {
  return !c.personal || c.createdBy === operator.id;
}

function parse(input: unknown): z.infer<typeof CannedSchema> {
  const parsed = CannedSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Invalid canned response', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
  return parsed.data;
}
