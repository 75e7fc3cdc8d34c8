import { localise } from '../../core/domain/index.js';
import { decideNudge, nudgeDelay, nudgeText, zoneOr } from '../policy/index.js';
import { recordEvents, type JobsDeps } from '../runtime/deps.js';
import type { JobSpec } from '../scheduler/agenda-scheduler.js';

export const NUDGE_JOB = 'inactivity-nudge';

export const nudgeKey = (conversationId: string): string => `nudge:${conversationId}`;

/**
 * (Re)start a conversation's nudge countdown after the candidate wrote; stop it when the
 * conversation no longer waits on them (intake done, interview over, recruiter in charge).
 *
 * Not a write per message: a nudge already waiting to run no later than this one is left where it
 * is. When it runs, the job re-reads the conversation and, the candidate having written since,
 * waits until the real due time (`decideNudge` anchors on the last candidate message), so the
 * countdown still restarts with every message; it just costs one wake-up per nudge delay instead of
 * a job write per message, and no read of the conversation. Likewise nothing is cancelled when
 * nothing waits: a run in progress re-checks the same conditions and stops by itself.
 */
export async function armNudge(deps: JobsDeps, conversationId: string, lastCandidateAt: Date): Promise<void> {
  const key = nudgeKey(conversationId);
  const runAt = new Date(lastCandidateAt.getTime() + nudgeDelay(deps.settings.nudges, 1));
  const due = deps.scheduler.dueAt ? await deps.scheduler.dueAt(key) : null;
  // It re-checks everything (stage, mode, opt-out, last message) when it runs: nothing to read now.
  if (due && due.getTime() <= runAt.getTime()) return;
  const conversation = await deps.store.getConversation(conversationId);
  const candidate = conversation && (await deps.store.getCandidate(conversation.candidateId));
  if (!conversation || !candidate || candidate.optedOut || conversation.mode === 'human' || !deps.settings.nudges.stages.includes(candidate.stage)) {
    if (due !== undefined) await deps.scheduler.cancel(key);
    return;
  }
  await deps.scheduler.schedule({ name: NUDGE_JOB, key, runAt, data: { conversationId } });
}

/** Sends the next nudge if `decideNudge` says so, and returns when to look again. */
export function nudgeJob(deps: JobsDeps): JobSpec {
  return {
    async run({ data, now }) {
      const conversationId = String(data.conversationId);
      const conversation = await deps.store.getConversation(conversationId);
      const candidate = conversation && (await deps.store.getCandidate(conversation.candidateId));
      if (!conversation || !candidate) return undefined;
      const lastCandidateAt = conversation.lastCandidateMessageAt ?? conversation.createdAt;
      const sent = await deps.store.listEvents({ conversationId, types: ['NudgeSent'], after: lastCandidateAt });
      const decision = decideNudge(
        {
          now,
          mode: conversation.mode,
          stage: candidate.stage,
          optedOut: candidate.optedOut,
          lastCandidateAt,
          sent: sent.map((e) => e.at),
          timeZone: zoneOr(candidate.timeZone, deps.settings.defaultTimeZone),
        },
        deps.settings.nudges,
      );
      if (decision.action === 'stop') return undefined;
      if (decision.action === 'wait') return decision.until;
      const prompt = deps.services.pendingPrompt?.(conversation);
      // On the email channel this is the continue-interview template (channels/email/templates).
      const emailTemplate = { name: 'continue-interview', data: { candidate: { name: candidate.name ?? 'there' }, ...(candidate.role ? { role: candidate.role } : {}) } };
      const message = await deps.engine().send(conversationId, { text: nudgeText(decision.attempt, prompt?.text, (key, english) => localise(conversation, key, {}, english)), ...(prompt?.choices ? { choices: prompt.choices } : {}), emailTemplate }, 'bot');
      await recordEvents(deps, [{ type: 'NudgeSent', attempt: decision.attempt, messageId: message.id, conversationId, candidateId: candidate.id }]);
      return decision.next;
    },
  };
}
