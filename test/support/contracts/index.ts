/**
 * Every port's contract suite, run against one deployment mode's persistence. SQLite runs them
 * on every `npm test` (test/ports-sqlite.test.ts); a MongoDB adapter runs the same with its
 * opener when MONGODB_URI is set.
 *
 * @example
 * runPortContracts('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { runInboxContract } from './inbox.js';
import { runKeyValueContract } from './kv.js';
import { runOperatorsContract } from './operators.js';
import { runPublicApiContract } from './public-api.js';
import { runSchedulingContract } from './scheduling.js';
import { runSearchContract } from './search.js';
import { runWebchatSessionsContract } from './webchat-sessions.js';
import { runWorkspaceContract } from './workspace.js';
import type { OpenPorts } from './fixture.js';

export type { OpenPorts } from './fixture.js';
export { runInboxContract, runKeyValueContract, runOperatorsContract, runPublicApiContract, runSchedulingContract, runSearchContract, runWebchatSessionsContract, runWorkspaceContract };

export function runPortContracts(name: string, open: OpenPorts): void {
  runOperatorsContract(name, open);
  runWorkspaceContract(name, open);
  runInboxContract(name, open);
  runKeyValueContract(name, open);
  runWebchatSessionsContract(name, open);
  runSchedulingContract(name, open);
  runPublicApiContract(name, open);
  runSearchContract(name, open);
}
