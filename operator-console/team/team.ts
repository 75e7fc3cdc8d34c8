import { createHash, randomBytes } from 'node:crypto';
import { newId, NotFoundError, ValidationError } from '../../core/domain/index.js';
import type { Clock, Logger } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import { addOperator, OperatorInputSchema } from '../auth/accounts.js';
import { OPERATOR_ROLES, type OperatorProfile, type OperatorRole, type TeamInvite, type TeamMember } from '../contract.js';
import { ConsoleError } from '../errors.js';
import type { ConsoleInboxStore, StoredInvite } from '../store/inbox-types.js';
import type { Operator, OperatorPatch, OperatorStore } from '../store/types.js';
import { requireAdmin } from '../takeover/permissions.js';

/** Sends a plain-text email to a team member (the email channel's SMTP), when configured. */
export type StaffMailer = (mail: { to: string; subject: string; text: string }) => Promise<void>;

export interface TeamDeps {
  operators: OperatorStore;
  inbox: ConsoleInboxStore;
  audit: AuditTrail;
  clock: Clock;
  log: Logger;
  /** Read per invite: set when the email channel is on. */
  mailer?: () => StaffMailer | undefined;
  /** How long an invite link works (seconds). */
  inviteTtlSec: number;
}

export interface InviteResult {
  invite: TeamInvite;
  /** The one-time link (shown once; only its hash is stored). */
  url: string;
  /** True when the link was sent by email. */
  emailed: boolean;
}

export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toMember(o: Operator): TeamMember {
  return { id: o.id, email: o.email, name: o.name, role: o.role, active: o.active, createdAt: o.createdAt.toISOString(), ...(o.lastLoginAt ? { lastLoginAt: o.lastLoginAt.toISOString() } : {}) };
}

function toInvite(i: StoredInvite): TeamInvite {
  return { id: i.id, email: i.email, role: i.role, ...(i.name ? { name: i.name } : {}), invitedBy: i.invitedBy, createdAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString() };
}

/**
 * Team management for admins: invite by email (a one-time link, emailed when the email channel is
 * on), accept an invite (creates the operator with their own password), rename (the display name
 * candidates see when an operator joins), change role, deactivate. Every change is audited.
 */
export class Team {
  constructor(private readonly deps: TeamDeps) {}

  async list(admin: OperatorProfile): Promise<{ operators: TeamMember[]; invites: TeamInvite[] }> {
    requireAdmin(admin, 'manage the team');
    const now = this.deps.clock.now().getTime();
    const invites = (await this.deps.inbox.listOpenInvites()).filter((i) => i.expiresAt.getTime() > now);
    return { operators: (await this.deps.operators.list()).map(toMember), invites: invites.map(toInvite) };
  }

  async invite(admin: OperatorProfile, input: unknown, consoleUrl: string): Promise<InviteResult> {
    requireAdmin(admin, 'invite operators');
    const body = (input ?? {}) as { email?: unknown; role?: unknown; name?: unknown };
    const email = OperatorInputSchema.shape.email.safeParse(typeof body.email === 'string' ? body.email.trim().toLowerCase() : body.email);
    if (!email.success) throw new ValidationError('email must be an email address');
    const role = body.role ?? 'recruiter';
    if (!(OPERATOR_ROLES as readonly unknown[]).includes(role)) throw new ValidationError(`role must be one of ${OPERATOR_ROLES.join(', ')}`);
    const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim().slice(0, 100) : undefined;
    if (await this.deps.operators.findByEmail(email.data)) throw new ConsoleError('CONFLICT', `${email.data} already has an account`);
    const token = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const stored: StoredInvite = {
      id: newId('inv'),
      tokenHash: hashInviteToken(token),
      email: email.data,
      role: role as OperatorRole,
      ...(name ? { name } : {}),
      invitedBy: admin.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.deps.inviteTtlSec * 1000),
    };
    await this.deps.inbox.addInvite(stored);
    // In the fragment: the token never reaches a server log or a referrer.
    const url = `${consoleUrl.replace(/\/+$/, '')}/invite#${token}`;
    const emailed = await this.send(admin, stored, url);
    await this.deps.audit.record(admin.id, 'operator-invited', { inviteId: stored.id, email: stored.email, role: stored.role, emailed });
    return { invite: toInvite(stored), url, emailed };
  }

  /** What an invite link is for (the accept page shows it); throws when it is unknown, used or expired. */
  async preview(token: unknown): Promise<TeamInvite> {
    return toInvite(await this.openInvite(token));
  }

  /** Accept an invite: creates the operator with this password (and name, default the invite's). */
  async accept(input: unknown): Promise<OperatorProfile> {
    const body = (input ?? {}) as { token?: unknown; name?: unknown; password?: unknown };
    const invite = await this.openInvite(body.token);
    const name = typeof body.name === 'string' && body.name.trim() ? body.name : (invite.name ?? invite.email.split('@')[0] ?? invite.email);
    const operator = await addOperator(this.deps.operators, { email: invite.email, name, role: invite.role, password: typeof body.password === 'string' ? body.password : '' }, this.deps.clock.now());
    await this.deps.inbox.acceptInvite(invite.id, operator.id, this.deps.clock.now());
    await this.deps.audit.record(operator.id, 'invite-accepted', { inviteId: invite.id, invitedBy: invite.invitedBy, role: operator.role });
    return { id: operator.id, email: operator.email, name: operator.name, role: operator.role };
  }

  async revokeInvite(admin: OperatorProfile, id: string): Promise<void> {
    requireAdmin(admin, 'revoke invites');
    if (!(await this.deps.inbox.deleteInvite(id))) throw new NotFoundError('Invite', id);
    await this.deps.audit.record(admin.id, 'invite-revoked', { inviteId: id });
  }

  /** Rename, change role, deactivate or reactivate. An admin cannot demote or deactivate themself. */
  async update(admin: OperatorProfile, id: string, input: unknown): Promise<TeamMember> {
    requireAdmin(admin, 'change operators');
    const body = (input ?? {}) as { name?: unknown; role?: unknown; active?: unknown };
    const current = await this.deps.operators.findById(id);
    if (!current) throw new NotFoundError('Operator', id);
    const patch: OperatorPatch = {};
    if (body.name !== undefined) {
      const name = OperatorInputSchema.shape.name.safeParse(body.name);
      if (!name.success) throw new ValidationError('name must be 1 to 100 characters');
      patch.name = name.data;
    }
    if (body.role !== undefined) {
      if (!(OPERATOR_ROLES as readonly unknown[]).includes(body.role)) throw new ValidationError(`role must be one of ${OPERATOR_ROLES.join(', ')}`);
      patch.role = body.role as OperatorRole;
    }
    if (body.active !== undefined) {
      if (typeof body.active !== 'boolean') throw new ValidationError('active must be true or false');
      patch.active = body.active;
    }
    if (id === admin.id && ((patch.role && patch.role !== 'admin') || patch.active === false)) throw new ConsoleError('CONFLICT', 'You cannot demote or deactivate yourself: ask another admin');
    const updated = await this.deps.operators.update(id, patch, this.deps.clock.now());
    if (!updated) throw new NotFoundError('Operator', id);
    const changes = Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, { from: current[k as keyof OperatorPatch] ?? null, to: v }]));
    await this.deps.audit.record(admin.id, 'operator-updated', { operatorId: id, email: current.email, changes });
    return toMember(updated);
  }

  private async openInvite(token: unknown): Promise<StoredInvite> {
    const invite = typeof token === 'string' && token.length >= 20 && token.length <= 100 ? await this.deps.inbox.findInviteByTokenHash(hashInviteToken(token)) : undefined;
    if (!invite || invite.acceptedAt || invite.expiresAt.getTime() <= this.deps.clock.now().getTime()) throw new ConsoleError('NOT_FOUND', 'This invite link was already used, revoked, or has expired: ask an admin for a new one');
    return invite;
  }

  private async send(admin: OperatorProfile, invite: StoredInvite, url: string): Promise<boolean> {
    const mailer = this.deps.mailer?.();
    if (!mailer) return false;
    try {
      await mailer({
        to: invite.email,
        subject: `${admin.name} invited you to the Parley console`,
        text: `${admin.name} invited you to the recruiting team's Parley console as ${invite.role}.\n\nChoose your password here (the link works once, until ${invite.expiresAt.toUTCString()}):\n${url}\n`,
      });
      return true;
    } catch (err) {
      // The admin still gets the link to pass on.
      this.deps.log.warn({ err, inviteId: invite.id }, 'console: the invite email could not be sent');
      return false;
    }
  }
}
