/**
 * `npm run bench`: runs every benchmark and prints its figures. Targets loopback only; every
 * loop is bounded and stops by itself. Filter with `npm run bench -- engine`. Every
 * `*.bench.ts` here runs; `npm run bench -- grading` is the offline grader's agreement with human
 * graders (it reads ../shared/datasets/saf, or PARLEY_SAF_DIR, and says so when that is absent).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatResult, type BenchResult } from './support.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

console.log(`parley benchmarks on node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
for (const file of files) {
  const mod = (await import(new URL(file, import.meta.url).href)) as { run?: () => Promise<BenchResult | BenchResult[]> };
  if (!mod.run) continue;
  const results = await mod.run();
  for (const r of Array.isArray(results) ? results : [results]) console.log(formatResult(r));
}
process.exit(0);
