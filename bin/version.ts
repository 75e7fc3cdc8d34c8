import { existsSync, readFileSync } from 'node:fs';

// package.json is one level up from the sources (bin/) and two from the build (dist/bin/).
const packageJson = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find((u) => existsSync(u)) as URL;

/** The package version, read once. */
export const VERSION: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
