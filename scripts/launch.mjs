/**
 * What `npm start` and `npm run parley -- ...` run: make sure dist/ holds a build of the current
 * sources (building it on the first start or after a change, in about a second), then run the
 * compiled bin/parley.js in this same process (same arguments, signals and exit code).
 * Compiled code starts without a TypeScript compiler in the loop; see docs/startup.md.
 */
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DEFAULT_OUTDIR, ensureBuilt } from './build.mjs';

const outdir = DEFAULT_OUTDIR;
try {
  await ensureBuilt({ outdir });
} catch (err) {
  process.stderr.write(`Could not build Parley: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
// Stack traces name the TypeScript file and line (dist/ carries source maps).
process.setSourceMapsEnabled(true);
await import(pathToFileURL(join(outdir, 'bin', 'parley.js')).href);
