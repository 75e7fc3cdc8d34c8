import type { DomainEvent } from '../../core/domain/index.js';
import type { RiskSummary } from '../contract.js';

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

type RiskEvent = Extract<DomainEvent, { type: 'RiskAssessed' | 'CandidateAtRisk' }>;

/** The risk an assessment or alert reports, as the list shows it. */
export function riskFromEvent(e: RiskEvent): RiskSummary {
  return {
    level: e.level,
    score: e.score,
    at: e.at.toISOString(),
    atRisk: e.type === 'CandidateAtRisk' || e.level === 'high',
    ...(e.type === 'CandidateAtRisk' ? { recommendedAction: e.recommendedAction } : {}),
  };
}

export function isRiskEvent(e: DomainEvent): e is RiskEvent {
  return e.type === 'RiskAssessed' || e.type === 'CandidateAtRisk';
}

/** 0 for low, 1 medium, 2 high; -1 for a level we don't know. */
export function riskRank(level: string): number {
  return RISK_LEVELS.indexOf(level as RiskLevel);
}
