/**
 * Canned responses in Chromium: made in the manager (personal and shared), inserted with `/` in
 * the composer with their variables filled for the open conversation, and sent to the candidate.
 */
import { describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CannedResponse } from '../../operator-console/contract.js';
import { addOperator } from '../../operator-console/index.js';
import { api, login } from '../../operator-console/testing.js';
import { watchPage } from '../support/browser.js';
import { consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { ChatClient } from '../support/harness.js';

// Screenshots go to the test output; UPDATE_DOC_SCREENSHOTS=1 refreshes the guide's (docs/img).
const IMG_DIR = process.env.UPDATE_DOC_SCREENSHOTS === '1' ? new URL('../../docs/img/', import.meta.url).pathname : join(tmpdir(), 'parley-doc-screenshots/');
const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;
const describeBrowser = describe;

const VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
];

describeBrowser.each(VIEWPORTS)('canned responses at $width x $height', (viewport) => {
  itBrowser('an admin adds a personal reply with variables, inserts it with /, sends it filled; and edits a recruiter\'s shared reply', async () => {
    const { app } = suite;
    const w = viewport.width;
    await addOperator(app.parley.ports.operators, { email: `rita${w}@acme.test`, name: 'Rita Recruiter', role: 'recruiter', password: 'correct-horse-battery' }, new Date());
    const rita = (await login(app.url, `rita${w}@acme.test`, 'correct-horse-battery')).token;
    const ritas = await api<CannedResponse>(app.url, rita, '/canned-responses', { method: 'POST', body: { title: `Thanks${w}`, text: 'Thanks for your time!' } });
    await api(app.url, rita, '/canned-responses', { method: 'POST', body: { title: `Rita only${w}`, text: 'Mine', scope: 'personal' } });

    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    await c.ask('Yes, continue', /What is your name/);
    await c.ask('Marta Nowak', /Which role/);
    await c.ask('Python Developer', /^Question 1: /);

    const page = await (await suite.browser.newContext({ viewport })).newPage();
    const seen = watchPage(page);
    await signInConsole(page, app.url);
    await page.goto(`${app.url}/console#/conversations/${encodeURIComponent(c.conversationId)}`);
    await page.click('#takeover');

    await page.click('#canned-manage');
    const manager = page.locator('#canned-manager');
    // Rita's shared reply is listed (an admin may change it); her personal one is not.
    await manager.locator('.canned-manager__item', { hasText: `Thanks${w}` }).waitFor();
    expect(await manager.locator('.canned-manager__item', { hasText: `Rita only${w}` }).count()).toBe(0);
    await page.fill('#canned-title', `Intro${w}`);
    await page.fill('#canned-text', 'Hi {{candidate.name}}, I am {{recruiter.name}}, about the {{role}} role.');
    await page.selectOption('#canned-scope', 'personal');
    await page.click('#canned-save');
    await manager.locator('.canned-manager__item', { hasText: `Intro${w}` }).locator('.badge--personal').waitFor();

    await manager.locator('.canned-manager__item', { hasText: `Thanks${w}` }).getByRole('button', { name: 'Edit' }).click();
    await page.fill('#canned-text', 'Thanks a lot for your time!');
    await page.click('#canned-save');
    await manager.locator('.canned-manager__item', { hasText: `Thanks${w}` }).filter({ hasText: 'Thanks a lot for your time!' }).waitFor();
    await page.screenshot({ path: `${IMG_DIR}console-canned-manager-${w}.png` });
    await page.click('#canned-close');

    // `/` lists the replies; typing narrows; Enter inserts it filled for Marta.
    await page.click('#composer-input');
    await page.keyboard.type('/');
    await page.locator('#canned-picker .canned-picker__item', { hasText: `Thanks${w}` }).waitFor();
    await page.keyboard.type(`intro${w}`);
    await page.locator('#canned-picker .canned-picker__item').filter({ hasText: `Intro${w}` }).waitFor();
    expect(await page.locator('#canned-picker .canned-picker__item').count()).toBe(1);
    await page.screenshot({ path: `${IMG_DIR}console-canned-picker-${w}.png` });
    await page.keyboard.press('Enter');
    await expectValue(page, 'Hi Marta Nowak, I am Admin, about the Python Developer role.');
    await page.keyboard.press('Enter');
    await c.waitForBot(/^Hi Marta Nowak, I am Admin, about the Python Developer role\.$/);

    expect((await api<CannedResponse>(app.url, rita, '/canned-responses')).status).toBe(200);
    const after = (await api<{ cannedResponses: CannedResponse[] }>(app.url, rita, '/canned-responses')).body.cannedResponses;
    expect(after.find((x) => x.id === ritas.body.id)?.text).toBe('Thanks a lot for your time!');
    expect(after.map((x) => x.title)).not.toContain(`Intro${w}`);
    expect(seen.errors).toEqual([]);
    c.close();
  }, 120_000);
});

async function expectValue(page: import('playwright-core').Page, value: string): Promise<void> {
  await page.waitForFunction((v) => (document.getElementById('composer-input') as HTMLTextAreaElement | null)?.value === v, value);
}
