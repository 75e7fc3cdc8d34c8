/**
 * What `npm start` and `npm run parley -- ...` run: make sure dist/ holds a build of the current
 * sources (building it on the first start or after a change, in about a second), then run the
 * compiled bin/parley.js in this same process (same arguments, signals and exit code).
 * Compiled code starts without a TypeScript compiler in the loop; see docs/startup.md.
 */
import { existsSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DEFAULT_OUTDIR, ensureBuilt } from './build.mjs';

const outdir = DEFAULT_OUTDIR;
try {
  await ensureBuilt({ outdir });
} catch (err) {
  const reason = err instanceof Error ? err.message : String(err);
  // A read-only install with a build from its image still starts, saying so.
  if (!existsSync(join(outdir, 'bin', 'parley.js'))) {
    process.stderr.write(`Could not build Parley: ${reason}\n`);
    process.exit(1);
  }
  process.stderr.write(`Could not rebuild Parley (${reason}): running the existing build in ${outdir}, which may be out of date.\n`);
}
// Stack traces name the TypeScript file and line (dist/ carries source maps).
process.setSourceMapsEnabled(true);
await import(pathToFileURL(join(outdir, 'bin', 'parley.js')).href);
