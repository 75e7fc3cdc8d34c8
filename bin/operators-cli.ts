/**
 * `npm run parley -- operators ...`: manage console operators from the command line (the server
 * may be running: both use the same SQLite file).
 *
 *   npm run parley -- operators list
 *   npm run parley -- operators add <email> --name "Ana Lima" --role recruiter [--password <pw>]
 *   npm run parley -- operators deactivate <email>
 *   npm run parley -- operators activate <email>
 *   npm run parley -- operators password <email> [--password <pw>]
 *
 * Without --password a password is generated and printed once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ParleyError, ValidationError } from '../core/domain/index.js';
import { addOperator, ConsoleError, generatePassword, OPERATOR_ROLES, setOperatorActive, setOperatorPassword, type OperatorRole } from '../operator-console/index.js';
import { ConfigError, loadConfig } from './config.js';
import { secureDataDir } from './data-dir.js';
import { openPersistence, type Persistence } from './persistence.js';

export const OPERATORS_USAGE = `Usage: npm run parley -- operators <command>

Commands:
  list                                              every operator, with role and status
  add <email> --name <name> --role <role> [--password <pw>]
                                                    role: ${OPERATOR_ROLES.join(' | ')}
  deactivate <email>                                sign-in and open sessions stop working at once
  activate <email>
  password <email> [--password <pw>]                set a new password

Without --password a password is generated and printed once.
The database is PARLEY_DATA_DIR/parley.db (default ./data, from the working directory): run
this where Parley runs, or set PARLEY_DATA_DIR. Only "add" creates a database that does not exist.
`;

export interface CliIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
  now?: () => Date;
}

/**
 * Run `parley operators <args>`; returns the process exit code (0 ok, 1 refused, 64 usage, 78 config).
 *
 * @example
 * process.exitCode = await runOperatorsCli(process.argv.slice(3), { env: readEnv(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
 */
export async function runOperatorsCli(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' } } });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${OPERATORS_USAGE}`);
    return 64;
  }
  const [command, email] = parsed.positionals;
  if (!command || command === 'help' || (command !== 'list' && !email)) {
    io.err(OPERATORS_USAGE);
    return command === 'help' ? 0 : 64;
  }
  let store: Persistence | undefined;
  try {
    const config = loadConfig(io.env);
    const dbPath = join(config.dataDir, 'parley.db');
    // A CLI run from the wrong folder must not quietly read (or create) an empty database.
    if (!existsSync(dbPath) && command !== 'add') {
      io.err(`No Parley database at ${dbPath}${io.env.PARLEY_DATA_DIR ? '' : ' (PARLEY_DATA_DIR is not set, so ./data in the working directory was used)'}.\nRun this command where Parley runs, or set PARLEY_DATA_DIR to Parley's data directory.\n`);
      return 1;
    }
    const creating = !existsSync(dbPath);
    io.err(`${creating ? 'Creating a new database' : 'Database'}: ${dbPath}\n`);
    // A new one private from the start, as the server makes it (the server also tightens old ones).
    if (creating) secureDataDir(config.dataDir);
    const now = io.now?.() ?? new Date();
    store = await openPersistence({ sqlitePath: dbPath, mongodbUri: (config as { MONGODB_URI?: string }).MONGODB_URI, now });
    const { operators } = store.ports;
    const { name, role, password } = parsed.values;
    switch (command) {
      case 'list': {
        const all = await operators.list();
        if (all.length === 0) io.out('No operators yet: the first start of Parley creates an admin.\n');
        for (const o of all) io.out(`${o.email}\t${o.name}\t${o.role}\t${o.active ? 'active' : 'deactivated'}\n`);
        return 0;
      }
      case 'add': {
        const chosen = password ?? generatePassword();
        const operator = await addOperator(operators, { email: email as string, name: name ?? '', role: (role ?? '') as OperatorRole, password: chosen }, now);
        io.out(`Added ${operator.role} ${operator.name} <${operator.email}>.${password ? '' : ` Password: ${chosen} (shown only this once)`}\n`);
        return 0;
      }
      case 'deactivate':
      case 'activate': {
        const operator = await setOperatorActive(operators, email as string, command === 'activate', now);
        io.out(`${operator.email} is now ${operator.active ? 'active' : 'deactivated'}.\n`);
        return 0;
      }
      case 'password': {
        const chosen = password ?? generatePassword();
        const operator = await setOperatorPassword(operators, email as string, chosen, now);
        io.out(`New password for ${operator.email}${password ? ' set.' : `: ${chosen} (shown only this once)`}\n`);
        return 0;
      }
      default:
        io.err(`Unknown command: operators ${command}\n\n${OPERATORS_USAGE}`);
        return 64;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`${err.message}\nSee .env.example for every setting.\n`);
      return 78;
    }
    if (err instanceof ValidationError) {
      io.err(`${err.message}:\n${err.issues.map((i) => `  - ${i}\n`).join('')}`);
      return 1;
    }
    if (err instanceof ParleyError || err instanceof ConsoleError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await store?.close();
  }
}
