/** Words for a risk assessment that people read: console notifications, HR chats, Slack. */

export interface AtRiskFacts {
  name: string | undefined;
  stage: string;
  score: number;
  level: string;
  factors: readonly { name: string; contribution: number }[];
  recommendedAction: string;
}

/** Factor names as people read them: `hoursSinceLastMessage` -> `hours since last message`. */
export function factorLabel(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

/** The top factors, largest contribution first, as "label (+0.30)". */
export function describeFactors(factors: readonly { name: string; contribution: number }[], top = 3): string {
  return [...factors]
    .filter((f) => f.contribution > 0)
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, top)
    .map((f) => `${factorLabel(f.name)} (+${f.contribution.toFixed(2)})`)
    .join(', ');
}

/**
 * An at-risk alert, the same words on every destination.
 *
 * @example
 * atRiskText({ name: 'Ana', stage: 'intake', score: 0.82, level: 'high', factors, recommendedAction: 'nudge' })
 * // { title: 'Candidate at risk: Ana', body: 'Risk 0.82 (high) in intake. Top factors: ... Recommended: nudge.' }
 */
export function atRiskText(f: AtRiskFacts): { title: string; body: string } {
  const factors = describeFactors(f.factors);
  return {
    title: `Candidate at risk: ${f.name ?? 'unnamed candidate'}`,
    body: `Risk ${f.score.toFixed(2)} (${f.level}) in ${f.stage}.${factors ? ` Top factors: ${factors}.` : ''} Recommended: ${factorLabel(f.recommendedAction)}.`,
  };
}
