/**
 * Compiles Parley's TypeScript to plain ESM in dist/ with esbuild (one output file per source
 * file, same layout, so `import.meta.url` paths still find public/ folders and question banks,
 * which are copied next to the code; shipped YAML banks become JSON). No type-check:
 * `npm run typecheck` does that.
 *
 * Plain JavaScript on purpose: it must run before anything is compiled (`npm install` runs it
 * as `prepare`, and scripts/launch.mjs runs it when dist/ is missing or stale).
 *
 *   node scripts/build.mjs                  build dist/
 *   node scripts/build.mjs --if-stale       build only when a source changed since the last build
 *   node scripts/build.mjs --outdir <dir>   build elsewhere (tests, packaging)
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTDIR = join(ROOT, 'dist');
/** The folders that make up the running server (tests, benches and scripts stay TypeScript). */
const SOURCE_ROOTS = ['core', 'channels', 'bots', 'jobs', 'operator-console', 'bin'];
const STAMP = '.build-stamp.json';
const LOCK_STALE_MS = 120_000;

/** Every input of the build: sources to compile and assets to copy, relative to the root. */
export function listInputs(root = ROOT) {
  const sources = [];
  const assets = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__fixtures__' && entry.name !== 'node_modules') walk(rel);
      } else if (/\.test\.[cm]?[jt]s$/.test(entry.name) || entry.name.endsWith('.d.ts')) {
        continue;
      } else if (entry.name.endsWith('.ts')) {
        sources.push(rel);
      } else {
        assets.push(rel);
      }
    }
  };
  for (const dir of SOURCE_ROOTS) if (existsSync(join(root, dir))) walk(dir);
  return { sources: sources.sort(), assets: assets.sort() };
}

/** A fingerprint of every input's path, size and mtime (plus this script and the Node version). */
export function signature(root = ROOT) {
  const { sources, assets } = listInputs(root);
  const hash = createHash('sha256').update(process.version);
  for (const rel of [...sources, ...assets, 'package.json', 'scripts/build.mjs']) {
    const s = statSync(join(root, rel));
    hash.update(`${rel}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** True when `outdir` holds a build of exactly the current inputs. */
export function isFresh(outdir = DEFAULT_OUTDIR, sig = signature()) {
  try {
    return JSON.parse(readFileSync(join(outdir, STAMP), 'utf8')).signature === sig;
  } catch {
    return false;
  }
}

/**
 * Build into a temporary sibling folder, then swap it in, so a process that is starting from
 * `outdir` never sees half-written files.
 */
export async function build(outdir = DEFAULT_OUTDIR) {
  const started = Date.now();
  const sig = signature();
  const { sources, assets } = listInputs();
  const tmp = `${outdir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: sources,
    outdir: tmp,
    outbase: '.',
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  const { parseDocument } = await import('yaml');
  for (const rel of assets) {
    mkdirSync(dirname(join(tmp, rel)), { recursive: true });
    // Question banks ship as YAML; parsing ~400 KB of it costs 0.3-0.8 s per start, JSON ~5 ms.
    // A bank with a YAML error is copied as it is, so the start-up names the file and line.
    if (/(^|\/)banks\/[^/]+\.ya?ml$/.test(rel)) {
      const doc = parseDocument(readFileSync(join(ROOT, rel), 'utf8'), { prettyErrors: true });
      if (doc.errors.length === 0) {
        writeFileSync(join(tmp, rel.replace(/\.ya?ml$/, '.json')), JSON.stringify(doc.toJS()));
        continue;
      }
    }
    copyFileSync(join(ROOT, rel), join(tmp, rel));
  }
  writeFileSync(join(tmp, STAMP), JSON.stringify({ signature: sig, builtAt: new Date().toISOString(), files: sources.length }));
  const old = `${outdir}.old-${process.pid}`;
  if (existsSync(outdir)) renameSync(outdir, old);
  renameSync(tmp, outdir);
  rmSync(old, { recursive: true, force: true });
  return { files: sources.length, assets: assets.length, ms: Date.now() - started };
}

/**
 * Build unless `outdir` is already fresh. Concurrent callers (a server and a CLI started
 * together) take turns on a lock folder; the second finds the build done and skips it.
 *
 * @returns whether this call built.
 */
export async function ensureBuilt({ outdir = DEFAULT_OUTDIR, force = false, log = (m) => process.stderr.write(m) } = {}) {
  if (!force && isFresh(outdir)) return false;
  mkdirSync(dirname(outdir), { recursive: true });
  const lock = `${outdir}.lock`;
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let age;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      // A builder that died (kill -9) leaves its lock behind: take it over once it is old.
      if (age > LOCK_STALE_MS || Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    if (!force && isFresh(outdir)) return false;
    log(`Building Parley into ${relative(process.cwd(), outdir) || outdir}${force ? '' : ' (first start, or the sources changed)'}...\n`);
    const r = await build(outdir);
    log(`Built ${r.files} files in ${(r.ms / 1000).toFixed(1)} s.\n`);
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : DEFAULT_OUTDIR;
  try {
    await ensureBuilt({ outdir, force: !process.argv.includes('--if-stale') });
  } catch (err) {
    process.stderr.write(`Build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
