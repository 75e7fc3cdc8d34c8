/**
 * The console shows each candidate's language: in the conversation summary (REST) and as a badge
 * in the conversation header, in Chromium.
 */
import { expect, it } from '@jest/globals';
import type { ConversationSummary } from '../operator-console/contract.js';
import { api, login } from '../operator-console/testing.js';
import { watchPage } from './support/browser.js';
import { CONSOLE_ADMIN, consoleBrowserSuite, signInConsole } from './support/console-browser.js';
import { ChatClient } from './support/harness.js';

const suite = consoleBrowserSuite();
const itBrowser = suite.hasChromium ? it : it.skip;

itBrowser("a Spanish-speaking candidate's conversation reads Spanish in the console; an English one English", async () => {
  const { app } = suite;
  const ana = await ChatClient.connect(app.url);
  await ana.ask('Hola, buenas tardes', /¿Estás de acuerdo en continuar\?/);
  const bob = await ChatClient.connect(app.url);
  await bob.ask('Hello there, I saw your job ad', /Do you agree to continue\?/);

  const token = (await login(app.url, CONSOLE_ADMIN.email, CONSOLE_ADMIN.password)).token;
  const summary = async (id: string) => (await api<{ summary: ConversationSummary }>(app.url, token, `/conversations/${id}`)).body.summary;
  expect((await summary(ana.conversationId)).language).toBe('es');
  expect((await summary(bob.conversationId)).language).toBe('en');

  const page = await (await suite.browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  const seen = watchPage(page);
  await signInConsole(page, app.url);
  await page.goto(`${app.url}/console#/conversations/${encodeURIComponent(ana.conversationId)}`);
  await page.locator('#candidate-language', { hasText: 'Spanish' }).waitFor();
  await page.goto(`${app.url}/console#/conversations/${encodeURIComponent(bob.conversationId)}`);
  await page.locator('#candidate-language', { hasText: 'English' }).waitFor();
  expect(seen.errors).toEqual([]);
  ana.close();
  bob.close();
});
