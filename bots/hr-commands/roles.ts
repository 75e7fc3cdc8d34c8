import { ValidationError } from '../../core/domain/index.js';

export const HR_ROLES = ['viewer', 'recruiter', 'admin'] as const;
export type HrRole = (typeof HR_ROLES)[number];

/** Allowlist entry syntax: `<user id>:<role>`, comma-separated. */
export const HR_USERS_PATTERN = /^\s*(\d{1,20}\s*:\s*(admin|recruiter|viewer)\s*)(,\s*\d{1,20}\s*:\s*(admin|recruiter|viewer)\s*)*,?\s*$/;

/**
 * Parse an HR allowlist such as `12345:admin,67890:recruiter,555:viewer`.
 *
 * @example
 * parseHrUsers('12345:admin, 555:viewer').get('555') // 'viewer'
 */
export function parseHrUsers(spec: string | undefined): Map<string, HrRole> {
  const users = new Map<string, HrRole>();
  if (!spec?.trim()) return users;
  if (!HR_USERS_PATTERN.test(spec)) throw new ValidationError(`expected comma-separated <user id>:<admin|recruiter|viewer> pairs, got "${spec}"`);
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [id, role] = entry.split(':').map((p) => p.trim()) as [string, HrRole];
    users.set(id, role);
  }
  return users;
}

/** Viewers read; recruiters and admins also act; admins override (one rule, in core/takeover). */
export { canAct, canOverride } from '../../core/takeover/index.js';
