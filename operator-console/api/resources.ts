import { strToU8, zipSync, type Zippable } from 'fflate';
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { newId, NotFoundError, scheduleSlice, type Candidate, type Conversation, type DomainEvent, type Message } from '../../core/domain/index.js';
import type { RoleBank } from '../../core/interview/index.js';
import type { Clock, EventBus, Store } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import type { OperatorStore } from '../store/types.js';
import type { TakeoverService } from '../takeover/takeover-service.js';
import type { AssessmentViews } from '../views/assessment-view.js';
import type { ApiKeys } from './api-keys.js';
import type { ApiKey } from './keys.js';
import type { PublicApiQueries } from './ports.js';
import { ApiError } from './problem.js';
import type { ApiRouter, Principal } from './router.js';
import {
  ApiKeyCreatedSchema,
  ApiKeyCreateSchema,
  ApiKeySchema,
  AuditEntrySchema,
  AuditQuery,
  CandidateCreateSchema,
  CandidateListQuery,
  CandidatePageSchema,
  CandidatePatchSchema,
  CandidateSchema,
  ConversationListQuery,
  ConversationSchema,
  IdParams,
  MessageSchema,
  RoleSchema,
} from './schemas.js';

export interface ResourceDeps {
  store: Store;
  queries: PublicApiQueries;
  keys: ApiKeys;
  operators: OperatorStore;
  audit: AuditTrail;
  bus: EventBus;
  clock: Clock;
  takeovers: TakeoverService;
  assessments: AssessmentViews;
  banks: () => ReadonlyMap<string, RoleBank> | undefined;
  /** Audio files are exported only from under this folder. */
  dataDir: string;
}

const iso = (d: Date) => d.toISOString();

export function candidateJson(c: Candidate): z.infer<typeof CandidateSchema> {
  return {
    id: c.id,
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.email !== undefined ? { email: c.email } : {}),
    ...(c.phone !== undefined ? { phone: c.phone } : {}),
    ...(c.role !== undefined ? { role: c.role } : {}),
    stage: c.stage,
    optedOut: c.optedOut,
    unreachable: c.unreachable,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

/** A candidate's ETag: changes with every saved change. */
export function candidateEtag(c: Candidate): string {
  return `"${c.updatedAt.getTime().toString(36)}"`;
}

function conversationJson(c: Conversation): z.infer<typeof ConversationSchema> {
  return {
    id: c.id,
    candidateId: c.candidateId,
    channel: c.ref.channel,
    mode: c.mode,
    stage: c.stage,
    needsHuman: c.needsHuman,
    ...(c.assignedOperatorId ? { assignedOperatorId: c.assignedOperatorId } : {}),
    lastActivityAt: iso(c.lastActivityAt),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

function messageJson(m: Message): z.infer<typeof MessageSchema> {
  return { id: m.id, direction: m.direction, author: m.author, text: m.text, kind: m.kind, status: m.status, createdAt: iso(m.createdAt) };
}

function keyJson(k: ApiKey): z.infer<typeof ApiKeySchema> {
  return {
    id: k.id,
    name: k.name,
    scope: k.scope,
    prefix: k.prefix,
    createdBy: k.createdBy,
    createdAt: iso(k.createdAt),
    ...(k.lastUsedAt ? { lastUsedAt: iso(k.lastUsedAt) } : {}),
    ...(k.revokedAt ? { revokedAt: iso(k.revokedAt) } : {}),
  };
}

function auditJson(e: DomainEvent): z.infer<typeof AuditEntrySchema> {
  const { id, type, at, actor, conversationId, candidateId, ...rest } = e as DomainEvent & Record<string, unknown>;
  const action = e.type === 'OperatorAction' ? e.action : undefined;
  const details = e.type === 'OperatorAction' ? e.details : rest;
  return { id, type, at: iso(at), actor, ...(action ? { action } : {}), ...(candidateId ? { candidateId } : {}), ...(conversationId ? { conversationId } : {}), details };
}

const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
function decodeCursor(cursor: string | undefined): string {
  if (!cursor) return '';
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[\w-]{1,100}$/.test(id)) throw new ApiError(400, 'Invalid cursor');
  return id;
}

/** Who an audit entry of an API call names, with the operator behind it if any. */
async function auditAs(deps: ResourceDeps, p: Principal, action: string, details: Record<string, unknown>, where: { candidateId?: string; conversationId?: string } = {}): Promise<void> {
  const event: DomainEvent = {
    id: newId('evt'),
    type: 'OperatorAction',
    at: deps.clock.now(),
    actor: p.actor,
    operatorId: p.operatorId ?? p.actor,
    action,
    details,
    ...where,
  };
  await deps.store.appendEvents([event]);
  deps.bus.publish(event);
}

function operatorOf(p: Principal): { id: string; email: string; name: string; role: 'admin' | 'recruiter' | 'viewer' } {
  if (p.kind !== 'operator' || !p.operatorId) throw new ApiError(403, 'Taking over, handing back and sending act in an operator\'s name: use an operator token, not an API key');
  return { id: p.operatorId, email: '', name: p.operatorName ?? '', role: p.scope === 'admin' ? 'admin' : p.scope === 'write' ? 'recruiter' : 'viewer' };
}

/** Every resource of API v1 except webhooks (see webhooks-routes.ts). */
export function registerResources(api: ApiRouter, deps: ResourceDeps): void {
  const { store, queries, clock } = deps;

  async function candidateOr404(id: string): Promise<Candidate> {
    const c = await store.getCandidate(id);
    if (!c) throw new NotFoundError('Candidate', id);
    return c;
  }

  api.add({
    method: 'get',
    path: '/candidates',
    operationId: 'listCandidates',
    summary: 'List candidates (filters, search, cursor pagination in id order)',
    tag: 'Candidates',
    scope: 'read',
    query: CandidateListQuery,
    responses: { 200: { description: 'A page of candidates; pass nextCursor as cursor for the next', schema: CandidatePageSchema } },
    handler: async ({ query }) => {
      const filter = {
        ...(query.stage ? { stage: query.stage } : {}),
        ...(query.role ? { role: query.role } : {}),
        ...(query.updatedSince ? { updatedSince: new Date(query.updatedSince) } : {}),
        ...(query.channel ? { channel: query.channel } : {}),
        ...(query.risk ? { risk: query.risk } : {}),
        ...(query.q ? { q: query.q } : {}),
      };
      const rows = await queries.listCandidates(filter, decodeCursor(query.cursor), query.limit + 1);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return { status: 200, body: { data: page.map(candidateJson), nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null } };
    },
  });

  api.add({
    method: 'get',
    path: '/candidates/{id}',
    operationId: 'getCandidate',
    summary: 'One candidate (with its ETag)',
    tag: 'Candidates',
    scope: 'read',
    params: IdParams,
    responses: { 200: { description: 'The candidate', schema: CandidateSchema, headers: { ETag: 'Send back as If-Match to update safely' } } },
    handler: async ({ params }) => {
      const c = await candidateOr404(params.id);
      return { status: 200, body: candidateJson(c), headers: { ETag: candidateEtag(c) } };
    },
  });

  api.add({
    method: 'post',
    path: '/candidates',
    operationId: 'createCandidate',
    summary: 'Create (import) a candidate',
    tag: 'Candidates',
    scope: 'write',
    body: CandidateCreateSchema,
    responses: { 201: { description: 'Created', schema: CandidateSchema, headers: { ETag: 'The new candidate\'s ETag' } } },
    handler: async ({ body, principal }) => {
      const now = clock.now();
      const c: Candidate = { id: newId('cand'), name: body.name, ...(body.email ? { email: body.email } : {}), ...(body.phone ? { phone: body.phone } : {}), ...(body.role ? { role: body.role } : {}), stage: 'new', optedOut: false, unreachable: false, createdAt: now, updatedAt: now };
      const created: DomainEvent = { id: newId('evt'), type: 'OperatorAction', at: now, actor: principal.actor, operatorId: principal.operatorId ?? principal.actor, action: 'candidate-created', details: { via: 'api' }, candidateId: c.id };
      // Both writes join the same group commit: the candidate and its audit entry land together.
      await Promise.all([store.saveCandidate(c), store.appendEvents([created])]);
      deps.bus.publish(created);
      return { status: 201, body: candidateJson(c), headers: { ETag: candidateEtag(c), Location: `/api/v1/candidates/${c.id}` } };
    },
  });

  api.add({
    method: 'patch',
    path: '/candidates/{id}',
    operationId: 'updateCandidate',
    summary: 'Update a candidate\'s stage and fields (If-Match for safe updates)',
    tag: 'Candidates',
    scope: 'write',
    params: IdParams,
    body: CandidatePatchSchema,
    responses: { 200: { description: 'Updated', schema: CandidateSchema, headers: { ETag: 'The new ETag' } } },
    handler: async ({ params, body, principal, req }) => {
      const before = await candidateOr404(params.id);
      const ifMatch = req.get('if-match');
      if (ifMatch && ifMatch !== '*' && ifMatch !== candidateEtag(before)) throw new ApiError(412, 'The candidate changed since you read it: read it again (new ETag) and retry');
      const now = new Date(Math.max(clock.now().getTime(), before.updatedAt.getTime() + 1));
      const after: Candidate = { ...before, ...body, updatedAt: now };
      const events: DomainEvent[] = [
        { id: newId('evt'), type: 'OperatorAction', at: now, actor: principal.actor, operatorId: principal.operatorId ?? principal.actor, action: 'candidate-updated', details: { fields: Object.keys(body) }, candidateId: before.id },
      ];
      if (body.stage && body.stage !== before.stage) events.push({ id: newId('evt'), type: 'CandidateStateChanged', at: now, actor: principal.actor, candidateId: before.id, from: before.stage, to: body.stage });
      await Promise.all([store.saveCandidate(after), store.appendEvents(events)]);
      for (const e of events) deps.bus.publish(e);
      return { status: 200, body: candidateJson(after), headers: { ETag: candidateEtag(after) } };
    },
  });

  api.add({
    method: 'delete',
    path: '/candidates/{id}',
    operationId: 'eraseCandidate',
    summary: 'Erase a candidate\'s personal data (as their /delete does): recorded, then carried out at once by the jobs (the daily retention run completes any left pending); the audit entry stays',
    tag: 'Candidates',
    scope: 'admin',
    params: IdParams,
    responses: { 202: { description: 'Erasure requested', schema: z.object({ candidateId: z.string(), status: z.literal('erasure-requested') }).openapi('ErasureRequested') } },
    handler: async ({ params, principal }) => {
      await candidateOr404(params.id);
      const now = clock.now();
      const events: DomainEvent[] = [
        { id: newId('evt'), type: 'ErasureRequested', at: now, actor: principal.actor, candidateId: params.id },
        { id: newId('evt'), type: 'OperatorAction', at: now, actor: principal.actor, operatorId: principal.operatorId ?? principal.actor, action: 'candidate-erasure-requested', details: { via: 'api' }, candidateId: params.id },
      ];
      await store.appendEvents(events);
      for (const e of events) deps.bus.publish(e);
      return { status: 202, body: { candidateId: params.id, status: 'erasure-requested' as const } };
    },
  });

  api.add({
    method: 'get',
    path: '/candidates/{id}/export',
    operationId: 'exportCandidate',
    summary: 'Everything Parley holds on a candidate as a zip: profile, conversations, messages, transcripts, assessment, events and audio files (audited)',
    tag: 'Candidates',
    scope: 'admin',
    params: IdParams,
    responses: { 200: { description: 'The zip', contentType: 'application/zip', schema: z.string().openapi({ format: 'binary' }) } },
    handler: async ({ params, principal }) => {
      const candidate = await candidateOr404(params.id);
      const conversations = await store.listConversations({ candidateId: candidate.id, limit: 10_000 });
      const files: Zippable = {};
      const json = (v: unknown) => strToU8(JSON.stringify(v, null, 2));
      files['profile.json'] = json(candidate);
      files['conversations.json'] = json(conversations.map(({ state: _state, ...c }) => c));
      files['events.json'] = json(await store.listEvents({ candidateId: candidate.id, limit: 1_000_000 }));
      const assessment = await deps.assessments.forCandidate(candidate.id).catch(() => undefined);
      if (assessment) files['assessment.json'] = json(assessment);
      let audio = 0;
      for (const c of conversations) {
        const messages = await store.listMessages(c.id);
        files[`messages/${c.id}.json`] = json(messages);
        files[`transcripts/${c.id}.txt`] = strToU8(messages.map((m) => `[${m.createdAt.toISOString()}] ${m.author}${m.kind === 'voice' ? ' [voice note]' : ''}: ${m.text}`).join('\n'));
        for (const m of messages) {
          const path = m.media?.storedPath;
          if (!path || !inside(deps.dataDir, path)) continue;
          try {
            files[`audio/${m.id}-${basename(path)}`] = [readFileSync(path), { level: 0 }];
            audio++;
          } catch {
            // Expired by retention: the message row says so.
          }
        }
      }
      await auditAs(deps, principal, 'candidate-exported', { conversations: conversations.length, audioFiles: audio }, { candidateId: candidate.id });
      return {
        status: 200,
        raw: Buffer.from(zipSync(files)),
        headers: { 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="parley-candidate-${candidate.id}.zip"`, 'Cache-Control': 'no-store' },
      };
    },
  });

  api.add({
    method: 'get',
    path: '/candidates/{id}/assessment',
    operationId: 'getAssessment',
    summary: 'The candidate\'s assessment (latest interview), as the console shows it',
    tag: 'Assessments',
    scope: 'read',
    params: IdParams,
    responses: { 200: { description: 'The assessment', schema: AssessmentApiSchema } },
    handler: async ({ params }) => ({ status: 200, body: await deps.assessments.forCandidate(params.id) }),
  });

  api.add({
    method: 'get',
    path: '/conversations',
    operationId: 'listConversations',
    summary: 'List conversations',
    tag: 'Conversations',
    scope: 'read',
    query: ConversationListQuery,
    responses: { 200: { description: 'Conversations, most recent activity first', schema: z.object({ data: z.array(ConversationSchema) }) } },
    handler: async ({ query }) => {
      const list = await store.listConversations({
        ...(query.stage ? { stage: query.stage } : {}),
        ...(query.mode ? { mode: query.mode } : {}),
        ...(query.needsHuman ? { needsHuman: query.needsHuman === 'true' } : {}),
        ...(query.candidateId ? { candidateId: query.candidateId } : {}),
        limit: query.limit,
        offset: query.offset,
      });
      return { status: 200, body: { data: list.map(conversationJson) } };
    },
  });

  async function conversationOr404(id: string): Promise<Conversation> {
    const c = await store.getConversation(id);
    if (!c) throw new NotFoundError('Conversation', id);
    return c;
  }

  api.add({
    method: 'get',
    path: '/conversations/{id}',
    operationId: 'getConversation',
    summary: 'One conversation',
    tag: 'Conversations',
    scope: 'read',
    params: IdParams,
    responses: { 200: { description: 'The conversation', schema: ConversationSchema } },
    handler: async ({ params }) => ({ status: 200, body: conversationJson(await conversationOr404(params.id)) }),
  });

  api.add({
    method: 'get',
    path: '/conversations/{id}/messages',
    operationId: 'listMessages',
    summary: 'A conversation\'s messages, oldest first',
    tag: 'Conversations',
    scope: 'read',
    params: IdParams,
    responses: { 200: { description: 'Messages', schema: z.object({ data: z.array(MessageSchema) }) } },
    handler: async ({ params }) => {
      await conversationOr404(params.id);
      return { status: 200, body: { data: (await store.listMessages(params.id)).map(messageJson) } };
    },
  });

  api.add({
    method: 'post',
    path: '/conversations/{id}/messages',
    operationId: 'sendMessage',
    summary: 'Send a message as the operator holding the conversation (operator token)',
    tag: 'Conversations',
    scope: 'write',
    params: IdParams,
    body: z.object({ text: z.string().min(1).max(4000) }).openapi('SendMessage'),
    responses: { 201: { description: 'Queued for the candidate', schema: MessageSchema } },
    handler: async ({ params, body, principal }) => ({ status: 201, body: messageJson(await deps.takeovers.send(operatorOf(principal), params.id, body.text)) }),
  });

  api.add({
    method: 'post',
    path: '/conversations/{id}/takeover',
    operationId: 'takeOver',
    summary: 'Take over the conversation: the bot stays silent (operator token)',
    tag: 'Conversations',
    scope: 'write',
    params: IdParams,
    responses: { 200: { description: 'Taken over', schema: ConversationSchema } },
    handler: async ({ params, principal }) => ({ status: 200, body: conversationJson(await deps.takeovers.takeover(operatorOf(principal), params.id)) }),
  });

  api.add({
    method: 'post',
    path: '/conversations/{id}/handback',
    operationId: 'handBack',
    summary: 'Hand the conversation back to the bot (operator token)',
    tag: 'Conversations',
    scope: 'write',
    params: IdParams,
    responses: { 200: { description: 'Handed back', schema: ConversationSchema } },
    handler: async ({ params, principal }) => ({ status: 200, body: conversationJson((await deps.takeovers.handback(operatorOf(principal), params.id)).conversation) }),
  });

  api.add({
    method: 'get',
    path: '/scheduled-interviews',
    operationId: 'listScheduledInterviews',
    summary: 'Interviews with the team that are scheduled, soonest first',
    tag: 'Conversations',
    scope: 'read',
    query: z.object({ from: z.string().datetime().optional(), until: z.string().datetime().optional() }),
    responses: { 200: { description: 'Scheduled interviews', schema: z.object({ data: z.array(ScheduledInterviewSchema) }) } },
    handler: async ({ query }) => {
      const from = query.from ? Date.parse(query.from) : -Infinity;
      const until = query.until ? Date.parse(query.until) : Infinity;
      const rows: z.infer<typeof ScheduledInterviewSchema>[] = [];
      for (const c of await store.listConversations({ stage: 'scheduled', limit: 10_000 })) {
        const s = scheduleSlice.read(c);
        const at = s ? Date.parse(s.at) : NaN;
        if (!s || at < from || at > until) continue;
        rows.push({ conversationId: c.id, candidateId: c.candidateId, at: new Date(at).toISOString(), ...(s.link ? { link: s.link } : {}), ...(s.timeZone ? { timeZone: s.timeZone } : {}) });
      }
      rows.sort((a, b) => a.at.localeCompare(b.at));
      return { status: 200, body: { data: rows } };
    },
  });

  api.add({
    method: 'get',
    path: '/roles',
    operationId: 'listRoles',
    summary: 'Roles and their question banks (skills and question counts)',
    tag: 'Roles',
    scope: 'read',
    responses: { 200: { description: 'Roles', schema: z.object({ data: z.array(RoleSchema) }) } },
    handler: async () => {
      const banks = [...(deps.banks()?.values() ?? [])];
      return {
        status: 200,
        body: { data: banks.map((b) => ({ id: b.role, title: b.title, skills: b.skills.map((s) => ({ id: s.id, name: s.name, questions: b.questions.filter((q) => q.skill === s.id).length })) })) },
      };
    },
  });

  api.add({
    method: 'get',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: 'API keys (never the keys themselves)',
    tag: 'API keys',
    scope: 'admin',
    responses: { 200: { description: 'Keys', schema: z.object({ data: z.array(ApiKeySchema) }) } },
    handler: async () => ({ status: 200, body: { data: (await deps.keys.list()).map(keyJson) } }),
  });

  api.add({
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key: the key is in this answer only',
    tag: 'API keys',
    scope: 'admin',
    body: ApiKeyCreateSchema,
    responses: { 201: { description: 'Created', schema: ApiKeyCreatedSchema } },
    handler: async ({ body, principal }) => {
      const { key, apiKey } = await deps.keys.create({ name: body.name, scope: body.scope, createdBy: principal.actor }, clock.now());
      await auditAs(deps, principal, 'api-key-created', { keyId: apiKey.id, name: apiKey.name, scope: apiKey.scope });
      return { status: 201, body: { ...keyJson(apiKey), key } };
    },
  });

  api.add({
    method: 'delete',
    path: '/api-keys/{id}',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key at once',
    tag: 'API keys',
    scope: 'admin',
    params: IdParams,
    responses: { 204: { description: 'Revoked' } },
    handler: async ({ params, principal }) => {
      if (!(await deps.keys.revoke(params.id, clock.now()))) throw new NotFoundError('API key', params.id);
      await auditAs(deps, principal, 'api-key-revoked', { keyId: params.id });
      return { status: 204 };
    },
  });

  api.add({
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    summary: 'The audit log (every domain event), newest first, with filters',
    tag: 'Audit',
    scope: 'admin',
    query: AuditQuery,
    responses: { 200: { description: 'Entries', schema: z.object({ data: z.array(AuditEntrySchema) }) } },
    handler: async ({ query }) => {
      const filter = {
        ...(query.candidateId ? { candidateId: query.candidateId } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.since ? { since: new Date(query.since) } : {}),
        ...(query.until ? { until: new Date(query.until) } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
      };
      const events = await queries.listAudit(filter, query.limit);
      return { status: 200, body: { data: events.map(auditJson) } };
    },
  });
}

/** The assessment as the console shows it (see AssessmentView in operator-console/contract.ts). */
export const AssessmentApiSchema = z
  .looseObject({
    candidateId: z.string(),
    conversationId: z.string(),
    role: z.object({ id: z.string(), title: z.string() }),
    status: z.enum(['in-progress', 'completed', 'abandoned']),
    questionsAsked: z.number().int(),
    overallScore: z.number().optional(),
    skills: z.array(z.looseObject({})),
    answers: z.array(z.looseObject({ questionId: z.string(), score: z.number() })),
    recommendation: z.looseObject({ value: z.string(), computed: z.string() }).optional(),
  })
  .openapi('Assessment');

function inside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

const ScheduledInterviewSchema = z
  .object({ conversationId: z.string(), candidateId: z.string(), at: z.string().openapi({ format: 'date-time' }), link: z.string().optional(), timeZone: z.string().optional() })
  .openapi('ScheduledInterview');
