/**
 * The OperatorStore contract (console accounts): every adapter passes it.
 *
 * @example
 * runOperatorsContract('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { describe, expect, it } from '@jest/globals';
import { ConsoleError } from '../../../operator-console/errors.js';
import { at, usePorts, type OpenPorts } from './fixture.js';

const ana = { email: 'Ana@Acme.test', name: 'Ana', role: 'recruiter' as const, passwordHash: '$2b$10$hash-ana' };

export function runOperatorsContract(name: string, open: OpenPorts): void {
  describe(`OperatorStore contract: ${name}`, () => {
    const p = usePorts(open);

    it('round-trips an operator, dates included, by id and by email (any case)', async () => {
      const { operators } = p().ports;
      const created = await operators.create(ana, at(0));
      expect(created).toMatchObject({ name: 'Ana', role: 'recruiter', passwordHash: ana.passwordHash, active: true, tokenVersion: expect.any(Number) });
      expect(created.createdAt).toEqual(at(0));
      const byId = await operators.findById(created.id);
      expect(byId).toEqual(created);
      expect(byId?.createdAt).toBeInstanceOf(Date);
      expect(await operators.findByEmail('ana@acme.test')).toEqual(created);
      expect(await operators.findByEmail('ANA@ACME.TEST')).toEqual(created);
      expect(await operators.count()).toBe(1);
    });

    it('refuses a second operator with the same email in another case (CONFLICT)', async () => {
      const { operators } = p().ports;
      await operators.create(ana, at(0));
      await expect(operators.create({ ...ana, email: 'ANA@acme.TEST', name: 'Other Ana' }, at(1))).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(operators.create({ ...ana, email: 'ana@acme.test' }, at(1))).rejects.toBeInstanceOf(ConsoleError);
      expect(await operators.count()).toBe(1);
    });

    it('updates fields and dates; a password change or deactivation bumps the token version', async () => {
      const { operators } = p().ports;
      const a = await operators.create(ana, at(0));
      const renamed = await operators.update(a.id, { name: 'Ana B', lastLoginAt: at(5) }, at(5));
      expect(renamed).toMatchObject({ name: 'Ana B', tokenVersion: a.tokenVersion });
      expect(renamed?.lastLoginAt).toEqual(at(5));
      expect(renamed?.updatedAt).toEqual(at(5));
      const rehashed = await operators.update(a.id, { passwordHash: '$2b$10$new' }, at(6));
      expect(rehashed?.tokenVersion).toBe(a.tokenVersion + 1);
      const off = await operators.update(a.id, { active: false }, at(7));
      expect(off).toMatchObject({ active: false, tokenVersion: a.tokenVersion + 2 });
      expect(await operators.findById(a.id)).toEqual(off);
      expect(await operators.update('op_missing', { name: 'x' }, at(8))).toBeUndefined();
    });

    it('revokes sessions (token version + 1) and tells listeners', async () => {
      const { operators } = p().ports;
      const a = await operators.create(ana, at(0));
      const told: string[] = [];
      const off = operators.onSessionsRevoked((id) => told.push(id));
      expect((await operators.revokeSessions(a.id, at(1)))?.tokenVersion).toBe(a.tokenVersion + 1);
      off();
      await operators.revokeSessions(a.id, at(2));
      expect(told).toEqual([a.id]);
      expect(await operators.revokeSessions('op_missing', at(3))).toBeUndefined();
    });

    it('lists every operator', async () => {
      const { operators } = p().ports;
      const a = await operators.create(ana, at(0));
      const b = await operators.create({ ...ana, email: 'bo@acme.test', name: 'Bo', role: 'admin' }, at(1));
      expect((await operators.list()).map((o) => o.id).sort()).toEqual([a.id, b.id].sort());
    });
  });
}
