import { describeFactors } from './alerts.js';

export interface DigestInput {
  since: Date;
  newCandidates: number;
  completedInterviews: readonly { name: string | undefined; role: string | undefined; score: number; recommendation: string }[];
  atRisk: readonly { name: string | undefined; stage: string; score: number; factors: readonly { name: string; contribution: number }[] }[];
}

/**
 * The daily digest for HR chats.
 *
 * @example
 * digestText({ since, newCandidates: 3, completedInterviews: [], atRisk: [] })
 * // 'Parley daily digest (since 2026-05-01 02:00 UTC)\nNew candidates: 3\nInterviews completed: 0\nAt risk now: 0'
 */
export function digestText(d: DigestInput): string {
  const since = d.since.toISOString().slice(0, 16).replace('T', ' ');
  const lines = [`Parley daily digest (since ${since} UTC)`, `New candidates: ${d.newCandidates}`, `Interviews completed: ${d.completedInterviews.length}`];
  for (const c of d.completedInterviews.slice(0, 10)) lines.push(`  - ${c.name ?? 'unnamed'}${c.role ? ` (${c.role})` : ''}: ${c.score}/100, ${c.recommendation}`);
  lines.push(`At risk now: ${d.atRisk.length}`);
  for (const r of [...d.atRisk].sort((a, b) => b.score - a.score).slice(0, 10)) {
    const factors = describeFactors(r.factors, 2);
    lines.push(`  - ${r.name ?? 'unnamed'} (${r.stage}): ${r.score.toFixed(2)}${factors ? `, ${factors}` : ''}`);
  }
  return lines.join('\n');
}
