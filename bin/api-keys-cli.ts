/**
 * `npm run parley -- api-keys ...`: manage the public API's keys from the command line (the
 * server may be running: both use the same SQLite file).
 *
 *   npm run parley -- api-keys list
 *   npm run parley -- api-keys create --name "ATS sync" --scope write
 *   npm run parley -- api-keys revoke <id>
 *
 * A new key is printed once; only its SHA-256 is stored.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_SCOPES, ApiKeys, type ApiScope } from '../operator-console/index.js';
import { ConfigError, loadConfig } from './config.js';
import type { CliIo } from './operators-cli.js';
import { openPersistence, type Persistence } from './persistence.js';

export const API_KEYS_USAGE = `Usage: npm run parley -- api-keys <command>

Commands:
  list                                       every key: id, name, scope, created, last used, revoked
  create --name <name> --scope <scope>       scope: ${API_SCOPES.join(' | ')}; the key is printed once
  revoke <id>                                the key stops working at once

The database is PARLEY_DATA_DIR/parley.db (default ./data, from the working directory).
`;

/** Run `parley api-keys <args>`; returns the exit code (0 ok, 1 refused, 64 usage, 78 config). */
export async function runApiKeysCli(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { name: { type: 'string' }, scope: { type: 'string' } } });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${API_KEYS_USAGE}`);
    return 64;
  }
  const [command, id] = parsed.positionals;
  if (!command || command === 'help' || (command === 'revoke' && !id)) {
    io.err(API_KEYS_USAGE);
    return command === 'help' ? 0 : 64;
  }
  let store: Persistence | undefined;
  try {
    const config = loadConfig(io.env);
    const dbPath = join(config.dataDir, 'parley.db');
    if (!existsSync(dbPath)) {
      io.err(`No Parley database at ${dbPath}: run this where Parley runs, or set PARLEY_DATA_DIR.\n`);
      return 1;
    }
    const now = io.now?.() ?? new Date();
    store = await openPersistence({ sqlitePath: dbPath, mongodbUri: (config as { MONGODB_URI?: string }).MONGODB_URI, now });
    const keys = new ApiKeys(store.ports.publicApi.keys);
    switch (command) {
      case 'list': {
        const all = await keys.list();
        if (all.length === 0) io.out('No API keys yet.\n');
        for (const k of all) {
          io.out(`${k.id}\t${k.name}\t${k.scope}\t${k.prefix}…\tcreated ${k.createdAt.toISOString()}\t${k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : 'never used'}${k.revokedAt ? `\trevoked ${k.revokedAt.toISOString()}` : ''}\n`);
        }
        return 0;
      }
      case 'create': {
        const { name, scope } = parsed.values;
        if (!name?.trim() || !API_SCOPES.includes(scope as ApiScope)) {
          io.err(`create needs --name and --scope (${API_SCOPES.join(' | ')})\n\n${API_KEYS_USAGE}`);
          return 64;
        }
        const { key, apiKey } = await keys.create({ name: name.trim(), scope: scope as ApiScope, createdBy: 'cli' }, now);
        io.out(`Created ${apiKey.scope} key ${apiKey.id} (${apiKey.name}).\nKey (shown only this once): ${key}\n`);
        return 0;
      }
      case 'revoke': {
        if (!(await keys.revoke(id as string, now))) {
          io.err(`No active API key ${id}\n`);
          return 1;
        }
        io.out(`Revoked ${id}.\n`);
        return 0;
      }
      default:
        io.err(`Unknown command: api-keys ${command}\n\n${API_KEYS_USAGE}`);
        return 64;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`${err.message}\nSee .env.example for every setting.\n`);
      return 78;
    }
    throw err;
  } finally {
    await store?.close();
  }
}
