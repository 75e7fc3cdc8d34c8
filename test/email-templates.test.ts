/**
 * `npm run parley -- email preview`: every pipeline template renders with sample data, the
 * company's name, logo and colours from the settings, and a user's override folder wins.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHILD_TEST_TIMEOUT_MS, ROOT, TSX_ARGS } from './support/child.js';

/** The emails the recruiting workflow needs (issue 15), plus the conversational message. */
const EXPECTED = ['application-received', 'continue-interview', 'interview-reminder', 'interview-scheduled', 'message', 'offer', 'rejection', 'shortlisted'];

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-email-cli-'));
    const child = spawn(process.execPath, [...TSX_ARGS, join(ROOT, 'bin', 'parley.ts'), ...args], {
      cwd: dataDir,
      env: { PATH: process.env.PATH ?? '', HOME: dataDir, PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, out, err });
    });
  });
}

const BRAND = { PARLEY_COMPANY_NAME: 'Globex', EMAIL_LOGO_URL: 'https://globex.example/logo.png', EMAIL_BRAND_COLOR: '#aa3300' };

describe('email template preview (CLI)', () => {
  it(
    'renders every template with sample data and the brand from the settings, text and HTML',
    async () => {
      const { code, out, err } = await cli(['email', 'preview', 'all', '--html'], BRAND);
      expect(err).toBe('');
      expect(code).toBe(0);
      const sections = out.split(/^=== /m).slice(1);
      expect(sections.map((s) => s.slice(0, s.indexOf(' ===')))).toEqual(EXPECTED);
      for (const section of sections) {
        const [text, html] = section.split('--- HTML ---');
        expect(text).toMatch(/^Subject: \S.+$/m);
        // Rendered, not raw: no Handlebars left, no empty interpolations.
        expect(section).not.toMatch(/\{\{|\}\}|undefined|\[object Object\]/);
        expect(html).toContain('https://globex.example/logo.png');
        expect(html).toContain('#aa3300');
        expect(html).toContain('/email/unsubscribe/');
      }
      const offer = sections.find((s) => s.startsWith('offer'))!;
      expect(offer).toMatch(/Subject: Your offer from Globex/);
      expect(offer).toMatch(/Hi Ada Lovelace,/);
      const scheduled = sections.find((s) => s.startsWith('interview-scheduled'))!;
      expect(scheduled).toContain('https://meet.example.com/acme-ada');
      expect(scheduled).toContain('<a href="https://meet.example.com/acme-ada">');
    },
    CHILD_TEST_TIMEOUT_MS,
  );

  it(
    'EMAIL_TEMPLATES_DIR overrides a template by name; an unknown name is an error that lists the templates',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-email-templates-'));
      try {
        writeFileSync(join(dir, 'offer.hbs'), 'subject: Welcome aboard, {{candidate.name}}!\n---\nDear {{candidate.name}}, <b>the {{offer.title}} job is yours</b> & more.\n');
        const { code, out } = await cli(['email', 'preview', 'offer', '--html'], { ...BRAND, EMAIL_TEMPLATES_DIR: dir });
        expect(code).toBe(0);
        expect(out).toContain('Subject: Welcome aboard, Ada Lovelace!');
        expect(out).toContain('Dear Ada Lovelace, <b>the Backend engineer job is yours</b> & more.');
        // The HTML part escapes what the text part says literally.
        expect(out).toContain('Dear Ada Lovelace, &lt;b&gt;the Backend engineer job is yours&lt;/b&gt; &amp; more.');
        const unknown = await cli(['email', 'preview', 'no-such-template'], BRAND);
        expect(unknown.code).not.toBe(0);
        expect(unknown.err).toMatch(/Unknown email template "no-such-template".*offer/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    CHILD_TEST_TIMEOUT_MS,
  );
});
