/**
 * The assessment as a recruiter sees it in Chromium: a real interview over the web chat (scripted
 * candidate strong in the core language, weak in testing), then the console's interview panel
 * shows the assessment's numbers, strengths and weaknesses with the candidate's quoted words,
 * integrity flags with their evidence; the recruiter overrides the recommendation and opens the
 * shared printable report, which shows the same numbers. Screenshots: docs/img/ with
 * UPDATE_DOC_SCREENSHOTS=1, else the temp folder.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Assessment } from '../../core/interview/index.js';
import { addOperator } from '../../operator-console/index.js';
import { startParley, type TestParley } from '../support/harness.js';
import { chromiumAvailable, launchChromium, watchPage } from '../support/browser.js';
import { runScriptedInterview } from '../support/scripted-interview.js';

const hasChromium = chromiumAvailable();
const describeBrowser = hasChromium ? describe : describe.skip;
const PASSWORD = 'correct-horse-battery';
/** Weak in testing, in the candidate's own (wrong) words; strong scripted answers elsewhere. */
const weakTesting = (q: { skill: string }) =>
  q.skill === 'testing' ? 'Honestly I do not write <i>tests</i> much, I click through the app by hand before a release and if nothing breaks it ships. A mock is just a fake database I guess.' : undefined;
// The guide's screenshots are refreshed on request (UPDATE_DOC_SCREENSHOTS=1), so a plain run leaves the tree clean.
const IMG_DIR = process.env.UPDATE_DOC_SCREENSHOTS === '1' ? new URL('../../docs/img/', import.meta.url).pathname : join(tmpdir(), 'parley-doc-screenshots/');
let app: TestParley;
let browser: Browser;
let conversationId: string;
let stored: Assessment;

beforeAll(async () => {
  if (!hasChromium) return;
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  await addOperator(app.parley.ports.operators, { email: 'rita@acme.test', name: 'Rita Recruiter', role: 'recruiter', password: PASSWORD }, new Date());
  const chat = await runScriptedInterview(app.url, { name: 'Mixed Max', roleTitle: 'Python Developer', policy: 'strong', answer: weakTesting });
  chat.close();
  conversationId = chat.conversationId;
  stored = (await app.parley.store.getConversation(conversationId))!.state.assessment as Assessment;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${app.url}/console`);
  await page.fill('#email', 'rita@acme.test');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor();
}

const squash = (t: string | null) => (t ?? '').replace(/\s+/g, ' ').trim();

describeBrowser('assessment in Chromium', () => {
  it('shows the whole assessment in the interview panel, takes an override, and shares a printable report with the same numbers', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    const seen = watchPage(page);
    await signIn(page);
    await page.locator(`.conv[data-id="${conversationId}"] button`).click();
    const panel = page.locator('#assessment');
    await panel.waitFor();

    expect(squash(await page.locator('#overall-score').textContent())).toBe(`${stored.overallScore}/100`);
    expect(squash(await page.locator('#assessment-role').textContent())).toBe('Python Developer');
    expect(await panel.textContent()).not.toMatch(/average/i);
    // Skills by name, each with the assessment's score.
    const testing = page.locator('#assessment-skills .skill[data-skill="testing"]');
    expect(squash(await testing.locator('.skill__name').textContent())).toBe('Testing and quality');
    expect(squash(await testing.locator('.skill__score').textContent())).toBe(`${stored.skillScores.testing}/100`);

    // Strengths and weaknesses, each with the candidate's own words.
    expect(stored.strengths.length).toBeGreaterThan(0);
    expect(await page.locator('#strengths .evidence').count()).toBe(stored.strengths.length);
    for (const [i, s] of stored.strengths.entries()) expect(squash(await page.locator('#strengths .evidence .quote').nth(i).textContent())).toBe(squash(s.quote));
    const testingWeakness = stored.weaknesses.find((w) => w.skill === 'testing');
    expect(testingWeakness).toBeDefined();
    const weakness = page.locator('#weaknesses .evidence[data-skill="testing"]');
    expect(squash(await weakness.locator('.quote').textContent())).toBe(squash(testingWeakness!.quote));
    expect(squash(await weakness.locator('.evidence__summary').textContent())).toMatch(/^Testing and quality:/);

    // Integrity flags with their evidence.
    expect(stored.integrityFlags.length).toBeGreaterThan(0);
    expect(await page.locator('#integrity .flag').count()).toBe(stored.integrityFlags.length);
    expect(squash(await page.locator('#integrity .flag .flag__evidence').first().textContent())).toBe(stored.integrityFlags[0]!.evidence);
    expect(await page.locator('#recommendation-block .reasons li').count()).toBe(stored.recommendationReasons.length);
    expect(await page.locator('#next-steps li').count()).toBe(stored.nextSteps.length);

    // The recruiter overrides the recommendation with a reason.
    const to = stored.recommendation === 'maybe' ? 'yes' : 'maybe';
    await page.click('#override-open');
    await page.selectOption('#override-recommendation', to);
    await page.fill('#override-reason', 'Discussed the testing answers on a call');
    await page.click('#override-save');
    await page.locator('#override', { hasText: 'Set by Rita Recruiter' }).waitFor();
    expect(squash(await page.locator('#override').textContent())).toContain('Discussed the testing answers on a call');
    expect(await page.locator('#recommendation').getAttribute('class')).toContain(`rec--${to}`);

    // Candidate words are text, never markup.
    expect(await weakness.locator('.quote').textContent()).toContain('<i>tests</i>');
    expect(await panel.locator('i').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('assessment.png') });

    // Share: a link that opens the report in a browser with no console session at all. The panel
    // is drawn again while the request runs (as a live update of the assessment does, such as the
    // override's own): the link still shows, in the panel as it is now.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/report-link', async (route) => {
      await held;
      await route.continue();
    });
    await page.evaluate(() => ((document.getElementById('assessment') as HTMLElement & { stale?: boolean }).stale = true));
    await page.click('#share-report');
    await page.evaluate(async () => (await import('/console/js/state.js' as string)).publish('detail'));
    await page.waitForFunction(() => !(document.getElementById('assessment') as (HTMLElement & { stale?: boolean }) | null)?.stale);
    release();
    const href = await page.locator('#report-link').getAttribute('href');
    expect(href).toMatch(/^\/console\/report\?t=/);
    const report = await (await browser.newContext({ viewport: { width: 1000, height: 1400 } })).newPage();
    const reportSeen = watchPage(report);
    await report.goto(`${app.url}${href}`);
    expect(squash(await report.locator('#overall-score').textContent())).toBe(`${stored.overallScore}/100`);
    expect(squash(await report.locator('#candidate-name').textContent())).toBe('Mixed Max');
    expect(squash(await report.locator('#skills tr[data-skill="testing"] .num').textContent())).toBe(String(stored.skillScores.testing));
    expect(await report.locator('#strengths .quote').count()).toBe(stored.strengths.length);
    expect(await report.locator('#integrity .flag').count()).toBe(stored.integrityFlags.length);
    expect(squash(await report.locator('#override').textContent())).toContain('by Rita Recruiter');
    expect(await report.locator('#weaknesses .quote').first().textContent()).toContain('<i>tests</i>');
    expect(await report.locator('i').count()).toBe(0);
    // Styled by the report's stylesheet under the page's CSP (nothing refused), and it prints.
    expect(await report.locator('.report').evaluate((el) => getComputedStyle(el).maxWidth)).toBe('820px');
    await report.emulateMedia({ media: 'print' });
    expect(await report.locator('.report').evaluate((el) => getComputedStyle(el).maxWidth)).toBe('none');
    await report.screenshot({ path: screenshotPath('assessment-report.png'), fullPage: true });
    expect((await report.pdf({ format: 'A4' })).subarray(0, 4).toString()).toBe('%PDF');
    // The override is on the conversation's timeline with who and why.
    await page.click('.tab[data-tab=timeline]');
    await page.locator('#timeline', { hasText: `Rita Recruiter set the recommendation to ${to} (was ${stored.recommendation}): Discussed the testing answers on a call` }).waitFor();
    expect([seen, reportSeen]).toEqual([{ dialogs: [], errors: [] }, { dialogs: [], errors: [] }]);
  }, 90_000);
});

function screenshotPath(name: string): string {
  mkdirSync(IMG_DIR, { recursive: true });
  return `${IMG_DIR}${name}`;
}
