/**
 * The data folder holds candidates' messages, operators' password hashes and the console's
 * signing secret: nobody but the user running Parley may read it. The secret lives outside the
 * database, in a 0600 file, so a copy of the database cannot mint console tokens.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import { runOperatorsCli } from '../bin/operators-cli.js';
import { silentLogger } from '../core/ports/index.js';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { api, login } from '../operator-console/testing.js';

const PASSWORD = 'correct-horse-battery';
const roots: string[] = [];
let running: Parley | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<Parley> {
  const config = loadConfig({ PORT: '1', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  running = await createParley({ ...config, PORT: 0 }, { log: silentLogger });
  await running.start();
  return running;
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

function newRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'parley-perms-'));
  roots.push(root);
  return root;
}

describe('data folder permissions', () => {
  it('a first start creates the folder 0700, and the database, its WAL and the signing secret 0600; the secret is not in the database', async () => {
    const dataDir = join(newRoot(), 'data');
    const parley = await start(dataDir);
    await login(parley.url, 'admin@acme.test', PASSWORD); // something written: the WAL exists
    expect(mode(dataDir)).toBe('700');
    for (const file of ['parley.db', 'parley.db-wal', 'console-jwt.secret']) expect([file, mode(join(dataDir, file))]).toEqual([file, '600']);
    expect(await parley.store.kvGet('console', 'jwt-secret')).toBeUndefined();

    // The file is the signing secret: a token signed with it (and the operator's token version) works...
    const secret = readFileSync(join(dataDir, 'console-jwt.secret'), 'utf8');
    const { operator } = await login(parley.url, 'admin@acme.test', PASSWORD);
    const sign = (claims: object) => jwt.sign(claims, secret, { algorithm: 'HS256', subject: operator.id, expiresIn: 600, issuer: 'parley-console', audience: 'parley-console' });
    expect((await api(parley.url, sign({ tv: 0 }), '/auth/me')).status).toBe(200);
    // ...but one without a token version (as minted before versions existed) does not.
    expect((await api(parley.url, sign({}), '/auth/me')).status).toBe(401);
  });

  it('an existing install is tightened on start, and a secret an older release kept in the database moves to the file (tokens stay valid)', async () => {
    const dataDir = join(newRoot(), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    const legacySecret = 'an-older-release-kept-this-secret-in-the-database-000';
    const old = SqliteStore.open(join(dataDir, 'parley.db'));
    await old.kvSet('console', 'jwt-secret', legacySecret);
    await old.close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'parley.db'), 0o644);

    const parley = await start(dataDir);
    expect(mode(dataDir)).toBe('700');
    expect(mode(join(dataDir, 'parley.db'))).toBe('600');
    expect(mode(join(dataDir, 'console-jwt.secret'))).toBe('600');
    expect(readFileSync(join(dataDir, 'console-jwt.secret'), 'utf8')).toBe(legacySecret);
    expect(await parley.store.kvGet('console', 'jwt-secret')).toBeUndefined();
    const { token } = await login(parley.url, 'admin@acme.test', PASSWORD);
    expect(jwt.verify(token, legacySecret)).toMatchObject({ iss: 'parley-console' });
  });

  it('"operators add" before the first start creates the folder 0700 and the database 0600 too', async () => {
    const dataDir = join(newRoot(), 'data');
    let err = '';
    const code = await runOperatorsCli(['add', 'ana@acme.test', '--name', 'Ana', '--role', 'admin', '--password', PASSWORD], { env: { PARLEY_DATA_DIR: dataDir }, out: () => {}, err: (t) => (err += t) });
    expect([code, err]).toEqual([0, `Creating a new database: ${join(dataDir, 'parley.db')}\n`]);
    expect(mode(dataDir)).toBe('700');
    expect(mode(join(dataDir, 'parley.db'))).toBe('600');
  });
});
