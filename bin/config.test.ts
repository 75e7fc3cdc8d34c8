import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ConfigError, ConfigSchema, loadConfig } from './config.js';
import { CHILD_TEST_TIMEOUT_MS, freePort, spawnParley } from '../test/support/child.js';

describe('config', () => {
  it('.env.example documents every setting (test hooks aside)', () => {
    const documented = new Set([...readFileSync(new URL('../.env.example', import.meta.url), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const missing = Object.keys(ConfigSchema.shape).filter((k) => !k.startsWith('PARLEY_TEST_') && k !== 'NODE_ENV' && !documented.has(k));
    expect(missing).toEqual([]);
  });

  it('has working defaults for every setting', () => {
    const c = loadConfig({}, '/srv/parley');
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', LOG_LEVEL: 'info', publicUrl: 'http://127.0.0.1:3000', dataDir: '/srv/parley/data' });
  });

  it.each([
    ['PORT', 'abc', /PORT: expected a port number \(got "abc"\)/],
    ['PORT', '70000', /PORT: expected a port between 1 and 65535/],
    ['PORT', '3.5', /PORT: expected a whole number/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/],
    ['PUBLIC_URL', 'parley.example.com', /PUBLIC_URL: expected an absolute URL/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('treats empty values as unset and trims a trailing slash from PUBLIC_URL', () => {
    expect(loadConfig({ PORT: '', PUBLIC_URL: 'https://jobs.example.com/' })).toMatchObject({ PORT: 3000, publicUrl: 'https://jobs.example.com' });
  });

  it('stops `parley start` with a bad PORT, naming PORT, before binding anything', async () => {
    const child = spawnParley({ PORT: 'not-a-port', PARLEY_DATA_DIR: `/tmp/parley-never-${await freePort()}` });
    const { code } = await child.exited;
    expect(code).toBe(78);
    expect(child.output()).toContain('PORT: expected a port number (got "not-a-port")');
    expect(child.output()).not.toContain('Parley is running');
  }, CHILD_TEST_TIMEOUT_MS);
});
