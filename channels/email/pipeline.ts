import type { Candidate, DomainEvent, EmailTemplateRef, OutboundMessage } from '../../core/domain/index.js';
import type { Clock, Logger, Store } from '../../core/ports/index.js';
import { normaliseAddress } from './addresses.js';

/** Who moved a stage themselves (the bot, the jobs) rather than a recruiter or an ATS. */
const AUTOMATIC_ACTORS = new Set(['bot', 'system', 'candidate', 'jobs']);

/**
 * A recruiter's (or an ATS's) stage change and the pipeline email it sends. `screening` is where
 * a shortlisted candidate goes (the ATS's `candidate.shortlisted`), `hired` is an offer.
 */
const STAGE_TEMPLATES: Partial<Record<Candidate['stage'], { template: string; text: (company: string) => string }>> = {
  screening: { template: 'shortlisted', text: (company) => `Good news: you are on the ${company} shortlist. We will send you interview times shortly.` },
  hired: { template: 'offer', text: (company) => `We are delighted to make you an offer to join ${company}. Reply with any question.` },
  rejected: { template: 'rejection', text: (company) => `Thank you for your time. ${company} will not be moving forward with your application.` },
};

export interface PipelineMailDeps {
  store: Store;
  /** `engine.send`: the mail is a stored outbound message on the candidate's email conversation. */
  send: (conversationId: string, message: OutboundMessage) => Promise<unknown>;
  clock: Clock;
  company: string;
  log: Logger;
}

/**
 * The recruiting workflow's emails that follow domain events: "application received" when a
 * candidate first writes by email or is imported with an address, and shortlisted / offer / rejection when a recruiter moves the
 * stage. Each is an outbound message on the candidate's email conversation (created for a chat
 * candidate whose address is known: same address, same candidate) that names its template, so
 * the email channel renders it, threads it and resends the same mail after a crash.
 * Interview scheduled, reminder and "continue your interview" are sent where those happen
 * (scheduling, the reminder and nudge jobs), naming their templates the same way.
 */
export class PipelineMailer {
  constructor(private readonly deps: PipelineMailDeps) {}

  /** The bus handler. Resolves when the mail (if any) is stored and queued. */
  async onEvent(e: DomainEvent): Promise<void> {
    if (e.type === 'ConversationStarted' && e.channel === 'email' && e.conversationId) {
      const conversation = await this.deps.store.getConversation(e.conversationId);
      const candidate = conversation && (await this.deps.store.getCandidate(conversation.candidateId));
      if (!candidate) return;
      await this.deps.send(e.conversationId, this.message(candidate, 'application-received', `Thank you for applying to ${this.deps.company}. We have your application.`));
      return;
    }
    // A candidate imported with an address (public API, an application form): their application is received.
    if (e.type === 'OperatorAction' && e.action === 'candidate-created' && e.candidateId) {
      const candidate = await this.deps.store.getCandidate(e.candidateId);
      const conversationId = candidate && !candidate.optedOut ? await this.emailConversation(candidate) : undefined;
      if (candidate && conversationId) await this.deps.send(conversationId, this.message(candidate, 'application-received', `Thank you for applying to ${this.deps.company}. We have your application.`));
      return;
    }
    if (e.type !== 'CandidateStateChanged' || AUTOMATIC_ACTORS.has(e.actor) || !e.candidateId) return;
    const plan = STAGE_TEMPLATES[e.to];
    if (!plan) return;
    const candidate = await this.deps.store.getCandidate(e.candidateId);
    if (!candidate || candidate.optedOut) return;
    const conversationId = await this.emailConversation(candidate);
    if (!conversationId) return void this.deps.log.info({ candidateId: candidate.id, template: plan.template }, 'pipeline email not sent: no email address for the candidate');
    await this.deps.send(conversationId, this.message(candidate, plan.template, plan.text(this.deps.company)));
  }

  private message(candidate: Candidate, name: string, text: string): OutboundMessage {
    const data: EmailTemplateRef['data'] = {
      candidate: { name: candidate.name ?? 'there' },
      ...(candidate.role ? { role: candidate.role, offer: { title: candidate.role } } : { offer: { title: 'open' } }),
    };
    return { text, emailTemplate: { name, data } };
  }

  /** The candidate's email conversation: the one they wrote in, or one opened for their known address. */
  private async emailConversation(candidate: Candidate): Promise<string | undefined> {
    const [existing] = await this.deps.store.listConversations({ candidateId: candidate.id, channel: 'email', limit: 1 });
    if (existing) return existing.id;
    const address = candidate.email ? normaliseAddress(candidate.email) : undefined;
    if (!address) return undefined;
    const { conversation } = await this.deps.store.ensureConversation({ channel: 'email', externalId: address }, { id: address, email: address, ...(candidate.name ? { displayName: candidate.name } : {}) }, this.deps.clock.now());
    return conversation.id;
  }
}
