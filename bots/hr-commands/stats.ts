import type { Store } from '../../core/ports/index.js';
import type { Stats } from './reports.js';

const WEEK_MS = 7 * 24 * 3600_000;

/** Gather the numbers `/stats` shows. */
export async function collectStats(store: Store, now: Date): Promise<Stats> {
  const [candidates, conversations, inbound, outbound, completed, feedback] = await Promise.all([
    store.listCandidates(),
    store.listConversations({ limit: 100_000 }),
    store.statusCounts('in'),
    store.statusCounts('out'),
    store.listEvents({ types: ['InterviewCompleted'], limit: 100_000 }),
    store.listEvents({ types: ['FeedbackReceived'], limit: 100_000 }),
  ]);
  const byChannel: Record<string, number> = {};
  for (const c of conversations) byChannel[c.ref.channel] = (byChannel[c.ref.channel] ?? 0) + 1;
  const sentiments = feedback.flatMap((e) => (e.type === 'FeedbackReceived' ? [e.sentiment] : []));
  return {
    candidates: candidates.length,
    newLast7Days: candidates.filter((c) => now.getTime() - c.createdAt.getTime() <= WEEK_MS).length,
    byChannel,
    humanMode: conversations.filter((c) => c.mode === 'human').length,
    needsHuman: conversations.filter((c) => c.needsHuman).length,
    optedOut: candidates.filter((c) => c.optedOut).length,
    unreachable: candidates.filter((c) => c.unreachable).length,
    inbound: Object.values(inbound).reduce((a, b) => a + (b ?? 0), 0),
    outbound,
    interviewsCompleted: completed.length,
    feedback: { count: sentiments.length, averageSentiment: sentiments.length ? sentiments.reduce((a, b) => a + b, 0) / sentiments.length : undefined },
  };
}
