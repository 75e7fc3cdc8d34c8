/** Store namespace of the per-candidate risk state (level, open episode), kept between assessments. */
export const RISK_STATE_NAMESPACE = 'jobs.risk';
