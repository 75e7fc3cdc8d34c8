import { expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { login } from '../../operator-console/testing.js';
import { watchPage } from '../support/browser.js';
import { CONSOLE_ADMIN, consoleBrowserSuite, docScreenshotDir, signInConsole } from '../support/console-browser.js';
import { eventually } from '../support/harness.js';

const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;
const PASSWORD = CONSOLE_ADMIN.password;
const IMG_DIR = docScreenshotDir();

function signIn(page: Page, email: string, password: string): Promise<void> {
  return signInConsole(page, suite.app.url, { email, password });
}

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  itBrowser(`an admin invites by email, the link creates an operator who signs in; rename, role, deactivate (${viewport.width}x${viewport.height})`, async () => {
    const email = `nia${viewport.width}@acme.test`;
    const admin = await (await suite.browser.newContext({ viewport })).newPage();
    const seen = watchPage(admin);
    await signIn(admin, 'admin@acme.test', PASSWORD);
    await admin.goto(`${suite.app.url}/console#/team`);
    await admin.fill('#invite-email', email);
    await admin.selectOption('#invite-role', 'recruiter');
    await admin.click('#invite-send');
    // No email channel in this deployment: the admin gets the link to copy.
    await admin.locator('#invite-result', { hasText: 'No email channel is set up' }).waitFor();
    const link = await admin.locator('#invite-link').inputValue();
    expect(link).toMatch(/\/console\/invite#[A-Za-z0-9_-]{43}$/);
    await admin.locator('.invite', { hasText: email }).waitFor();
    await admin.screenshot({ path: join(IMG_DIR, `console-team-${viewport.width}.png`) });

    // The invitee opens the link in their own browser (no session), chooses a password, lands signed in.
    const invitee = await (await suite.browser.newContext({ viewport })).newPage();
    const inviteeSeen = watchPage(invitee);
    await invitee.goto(link);
    await invitee.locator('#invite-for', { hasText: email }).waitFor();
    await invitee.fill('#invite-name', `Nia ${viewport.width}`);
    await invitee.fill('#invite-password', 'nia-secret-pass');
    await invitee.click('#invite-submit');
    await invitee.locator('#connection-status', { hasText: 'Live' }).waitFor();
    await invitee.locator('.me__name', { hasText: `Nia ${viewport.width}` }).waitFor({ state: 'attached' });
    // The link was for one use.
    const again = await (await suite.browser.newContext({ viewport })).newPage();
    await again.goto(link);
    await again.locator('#invite-error', { hasText: 'already used' }).waitFor();
    // And a fresh sign-in with the chosen password works.
    expect((await login(suite.app.url, email, 'nia-secret-pass')).operator.role).toBe('recruiter');

    // The admin renames her, makes her a viewer, then deactivates her: her open console ends.
    await admin.reload();
    await admin.locator('#connection-status', { hasText: 'Live' }).waitFor();
    const row = admin.locator(`tr.member[data-email="${email}"]`);
    await row.waitFor();
    await row.locator('.member__name').fill(`Nia N. ${viewport.width}`);
    await row.locator('.member__name').press('Enter');
    await row.locator('.member__name').blur();
    await eventually(async () => (await suite.app.parley.ports.operators.findByEmail(email))?.name === `Nia N. ${viewport.width}`, 'the rename saved');
    await admin.locator('.toast', { hasText: 'Saved' }).first().waitFor();
    await admin.locator(`tr.member[data-email="${email}"] .member__role`).selectOption('viewer');
    await eventually(async () => (await suite.app.parley.ports.operators.findByEmail(email))?.role === 'viewer', 'the role saved');
    await admin.locator(`tr.member[data-email="${email}"] button`, { hasText: 'Deactivate' }).click();
    await admin.locator(`tr.member[data-email="${email}"][data-active="false"]`).waitFor();
    await invitee.locator('#email').waitFor();
    await expect(login(suite.app.url, email, 'nia-secret-pass')).rejects.toThrow();
    const stored = await suite.app.parley.ports.operators.findByEmail(email);
    expect(stored).toEqual(expect.objectContaining({ name: `Nia N. ${viewport.width}`, role: 'viewer', active: false }));
    expect(seen.errors).toEqual([]);
    expect(inviteeSeen.errors).toEqual([]);
    expect(await admin.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  }, 120_000);
}
