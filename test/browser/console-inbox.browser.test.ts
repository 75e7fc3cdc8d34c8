import { beforeAll, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Label } from '../../operator-console/contract.js';
import { addOperator } from '../../operator-console/index.js';
import { api, login } from '../../operator-console/testing.js';
import { watchPage } from '../support/browser.js';
import { CONSOLE_ADMIN, consoleBrowserSuite, docScreenshotDir, signInConsole } from '../support/console-browser.js';
import { ChatClient, eventually } from '../support/harness.js';

const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;
const PASSWORD = CONSOLE_ADMIN.password;
const IMG_DIR = docScreenshotDir();
let ritaId: string;

beforeAll(async () => {
  if (!suite.hasChromium) return;
  ritaId = (await addOperator(suite.app.parley.ports.operators, { email: 'rita@acme.test', name: 'Rita Recruiter', role: 'recruiter', password: PASSWORD }, new Date())).id;
});

async function namedCandidate(name: string): Promise<{ chat: ChatClient; id: string }> {
  const chat = await ChatClient.connect(suite.app.url);
  await chat.say('hi');
  await eventually(() => chat.conversationId !== '', 'the conversation');
  const conversation = await suite.app.parley.store.getConversation(chat.conversationId);
  const person = conversation && (await suite.app.parley.store.getCandidate(conversation.candidateId));
  if (person) await suite.app.parley.store.saveCandidate({ ...person, name });
  return { chat, id: chat.conversationId };
}

async function signIn(email: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await suite.browser.newContext({ viewport })).newPage();
  await signInConsole(page, suite.app.url, { email, password: PASSWORD });
  return page;
}

const actions = async (id: string) =>
  (await suite.app.parley.store.listEvents({ conversationId: id, limit: 1000 })).filter((e) => e.type === 'OperatorAction').map((e) => (e.type === 'OperatorAction' ? e.action : ''));

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  itBrowser(`assign to another operator who is notified live; labels, label filter and a saved filter (${viewport.width}x${viewport.height})`, async () => {
    const name = `Zofia ${viewport.width}`;
    const label = `Berlin ${viewport.width}`;
    const { chat, id } = await namedCandidate(name);
    const other = await namedCandidate(`Other ${viewport.width}`);
    const admin = await signIn('admin@acme.test', viewport);
    const rita = await signIn('rita@acme.test', viewport);
    const seen = [watchPage(admin), watchPage(rita)];
    const ritaRow = rita.locator(`.conv[data-id="${id}"]`);
    await ritaRow.waitFor();

    // Assign from the admin's conversation header: Rita's console says so, naming the candidate.
    await admin.goto(`${suite.app.url}/console#/conversations/${encodeURIComponent(id)}`);
    await admin.selectOption('#assign', ritaId);
    await admin.locator(`#inbox-controls[data-assignee="${ritaId}"]`).waitFor();
    await rita.locator('.toast', { hasText: `Assigned to you: ${name}` }).waitFor();
    await rita.locator('#notification-badge:not([hidden])').waitFor();
    await ritaRow.locator('.badge--assignee', { hasText: '→ you' }).waitFor();
    await rita.click('.chip[data-filter="mine"]');
    await ritaRow.waitFor();
    await rita.locator(`.conv[data-id="${other.id}"]`).waitFor({ state: 'detached' });
    await rita.click('.chip[data-filter="unassigned"]');
    await ritaRow.waitFor({ state: 'detached' });
    await rita.locator(`.conv[data-id="${other.id}"]`).waitFor();
    await rita.click('.chip[data-filter="all"]');

    // A new label, applied from the header, appears on Rita's row live; her label filter shows only it.
    await admin.selectOption('#add-label', '__new');
    await admin.fill('#new-label-name', label);
    await admin.click('#create-label');
    await admin.locator('#conversation-labels .label-chip', { hasText: label }).waitFor();
    await ritaRow.locator('.label-chip', { hasText: label }).waitFor();
    await rita.selectOption('#label-filter', { label });
    await rita.locator(`.conv[data-id="${other.id}"]`).waitFor({ state: 'detached' });
    await ritaRow.waitFor();
    await rita.screenshot({ path: join(IMG_DIR, `console-inbox-${viewport.width}.png`) });
    await admin.screenshot({ path: join(IMG_DIR, `console-inbox-assign-${viewport.width}.png`) });

    // Saved as a view, kept across a reload, and applied again from the menu.
    await rita.selectOption('#saved-filter', '__save');
    await rita.fill('#saved-filter-name', `Berlin view ${viewport.width}`);
    await rita.click('#save-filter');
    await rita.locator('#saved-filter option', { hasText: `Berlin view ${viewport.width}` }).waitFor({ state: 'attached' });
    await rita.reload();
    await rita.locator('#connection-status', { hasText: 'Live' }).waitFor();
    await rita.locator(`.conv[data-id="${other.id}"]`).waitFor();
    await rita.selectOption('#saved-filter', { label: `Berlin view ${viewport.width}` });
    await rita.locator(`.conv[data-id="${other.id}"]`).waitFor({ state: 'detached' });
    await ritaRow.waitFor();
    expect(await rita.locator('#label-filter').inputValue()).not.toBe('');

    // Removing the label: gone from Rita's row (and her label view) live.
    await admin.click(`#conversation-labels .label-chip:has-text("${label}") .label-chip__remove`);
    await ritaRow.waitFor({ state: 'detached' });
    await eventually(async () => (await actions(id)).includes('label-removed'), 'the removal audited');
    expect(await actions(id)).toEqual(['conversation-assigned', 'label-applied', 'label-removed']);
    // The list's preview names the operator who wrote, not "Recruiter".
    await rita.selectOption('#label-filter', '');
    await admin.click('#takeover');
    await admin.fill('#composer-input', `Hello ${name}`);
    await admin.press('#composer-input', 'Enter');
    await ritaRow.locator('.conv__preview', { hasText: `Admin: Hello ${name}` }).waitFor();
    for (const s of seen) expect(s.errors).toEqual([]);
    // No sideways scroll on the phone with the new controls.
    expect(await admin.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    chat.close();
    other.chat.close();
  }, 120_000);
}

itBrowser('a label created and applied while a console was offline shows on its row after the reconnect', async () => {
  const { chat, id } = await namedCandidate('Olek Offline');
  const context = await suite.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const rita = await context.newPage();
  const seen = watchPage(rita);
  await rita.goto(`${suite.app.url}/console`);
  await rita.fill('#email', 'rita@acme.test');
  await rita.fill('#password', PASSWORD);
  await rita.click('button[type=submit]');
  await rita.locator('#connection-status', { hasText: 'Live' }).waitFor();
  await rita.locator(`.conv[data-id="${id}"]`).waitFor();

  await context.setOffline(true);
  suite.app.parley.io.of('/console').disconnectSockets();
  await rita.locator('#connection-status', { hasText: /Reconnecting|Offline/ }).waitFor();
  const admin = (await login(suite.app.url, 'admin@acme.test', PASSWORD)).token;
  const label = (await api<Label>(suite.app.url, admin, '/labels', { method: 'POST', body: { name: 'Made while offline' } })).body;
  expect((await api(suite.app.url, admin, `/conversations/${id}/labels`, { method: 'POST', body: { labelId: label.id } })).status).toBe(200);

  await context.setOffline(false);
  await rita.locator('#connection-status', { hasText: 'Live' }).waitFor({ timeout: 15_000 });
  await rita.locator(`.conv[data-id="${id}"] .label-chip`, { hasText: 'Made while offline' }).waitFor();
  expect(seen.errors).toEqual([]);
  await context.close();
  chat.close();
}, 120_000);
