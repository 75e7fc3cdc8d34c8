/**
 * The console's scheduling view in headless Chromium: a recruiter's availability (weekly hours,
 * an exception, time zone) entered in the editor is what the REST API then serves, and a booking
 * a web chat candidate makes shows in the upcoming interviews, per recruiter.
 */
import { expect, it } from '@jest/globals';
import { login } from '../../operator-console/testing.js';
import { watchPage } from '../support/browser.js';
import { CONSOLE_ADMIN, consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { ChatClient } from '../support/harness.js';

const suite = consoleBrowserSuite({ SCHEDULING_MIN_NOTICE_HOURS: '0', SCHEDULING_SLOT_MINUTES: '60' });
const itBrowser = suite.hasChromium ? it : it.skip;

/** The time as a recruiter in `timeZone` reads it (formatted here, not by the console). */
const inZone = (iso: string, timeZone: string) => {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { day: String(Number(parts.day)), hm: `${parts.hour}:${parts.minute}` };
};

itBrowser('availability editor and upcoming interviews per recruiter', async () => {
  const { app, browser } = suite;
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  const seen = watchPage(page);
  await signInConsole(page, app.url);
  await page.click('.nav__item[data-view="scheduling"]');
  await page.locator('#availability-editor').waitFor();

  // Rita: every day all day in Tokyo (so slots exist whenever the test runs), Sundays off, one exception.
  await page.fill('#recruiter-id', 'rita');
  await page.fill('#recruiter-name', 'Rita Alves');
  await page.fill('#recruiter-email', 'rita@acme.example');
  await page.fill('#recruiter-zone', 'Asia/Tokyo');
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat']) await page.fill(`#hours-${day}`, '00:00-12:00, 13:00-24:00');
  await page.fill('#recruiter-exceptions', '2030-01-02: off\n2030-01-03: 10:00-09:00');
  // A range that ends before it starts: the server's reason is shown, nothing is saved.
  await page.click('#availability-save');
  await page.locator('.toasts', { hasText: 'exceptions.1.hours.0: a range must end after it starts' }).waitFor();
  await page.fill('#recruiter-exceptions', '2030-01-02: off\n2030-01-03: 09:00-10:00');
  await page.click('#availability-save');
  await page.locator('#recruiter-delete').waitFor(); // saved: the editor now edits Rita
  expect(await page.locator('#recruiter-pick').inputValue()).toBe('rita');
  // A second recruiter, so the per-recruiter filter has something to leave out.
  await page.selectOption('#recruiter-pick', '');
  await page.locator('#recruiter-delete').waitFor({ state: 'detached' });
  await page.fill('#recruiter-id', 'sam');
  await page.fill('#recruiter-name', 'Sam Lee');
  await page.fill('#recruiter-zone', 'Europe/Lisbon');
  await page.fill('#hours-mon', '09:00-10:00');
  await page.click('#availability-save');
  await page.locator('#recruiter-id[readonly]').waitFor();
  expect(await page.locator('#recruiter-pick').inputValue()).toBe('sam');

  const { token } = await login(app.url, CONSOLE_ADMIN.email, CONSOLE_ADMIN.password);
  const get = async (path: string) => (await fetch(`${app.url}/api/v1/scheduling${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<Record<string, unknown>>;
  const { recruiters } = (await get('/recruiters')) as { recruiters: Record<string, unknown>[] };
  const day = [['00:00', '12:00'], ['13:00', '24:00']];
  expect(recruiters.find((r) => r.id === 'rita')).toEqual({
    id: 'rita',
    name: 'Rita Alves',
    email: 'rita@acme.example',
    timeZone: 'Asia/Tokyo',
    weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day },
    exceptions: [{ date: '2030-01-02', hours: [] }, { date: '2030-01-03', hours: [['09:00', '10:00']] }],
  });
  // Re-opening Rita shows what was saved.
  await page.selectOption('#recruiter-pick', 'rita');
  await page.locator('#recruiter-delete').waitFor();
  // The form is re-rendered from the fetched recruiter after the pick: wait for that render (the
  // delete button alone is already there from the save), then check every field.
  await page.waitForFunction(() => (document.querySelector('#hours-sat') as HTMLInputElement | null)?.value !== '', undefined, { timeout: 30_000 }).catch(() => undefined);
  await expect(page.locator('#hours-sat').inputValue()).resolves.toBe('00:00-12:00, 13:00-24:00');
  await expect(page.locator('#hours-sun').inputValue()).resolves.toBe('');
  await expect(page.locator('#recruiter-exceptions').inputValue()).resolves.toBe('2030-01-02: off\n2030-01-03: 09:00-10:00');

  // A web chat candidate books through the chat.
  const chat = await ChatClient.connect(app.url);
  await chat.ask('hi', /Do you agree/);
  await app.parley.engine.mutate(chat.conversationId, ({ conversation, candidate }) => ({ conversation, candidate: { ...candidate, name: 'Nadia Chen', timeZone: 'Asia/Tokyo' } }));
  const offer = await fetch(`${app.url}/api/v1/scheduling/conversations/${chat.conversationId}/offer`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(await offer.json()).toEqual({ result: 'offered' });
  await chat.waitForBot(/next free times/);
  await chat.ask('1', /You're booked/);
  const { interviews } = (await get('/interviews?recruiterId=rita')) as { interviews: { start: string }[] };
  expect(interviews).toHaveLength(1);
  const at = inZone(interviews[0]!.start, 'Asia/Tokyo');

  // Upcoming interviews: Rita's shows Nadia at the time in Rita's zone; Sam's is empty.
  await page.click('.nav__item[data-view="conversations"]');
  await page.click('.nav__item[data-view="scheduling"]');
  const row = page.locator('#upcoming-interviews .interview-row', { hasText: 'Nadia Chen' });
  await row.waitFor();
  const text = await row.innerText();
  expect(text).toContain(`${at.day} `);
  expect(text).toContain(`${at.hm} (Asia/Tokyo)`);
  expect(text).toContain('Rita Alves');
  await page.selectOption('#interviews-recruiter', 'sam');
  await page.locator('#no-interviews').waitFor();
  await page.selectOption('#interviews-recruiter', 'rita');
  await page.locator('#upcoming-interviews .interview-row', { hasText: 'Nadia Chen' }).waitFor();
  // The candidate's name opens the conversation.
  await page.click('#upcoming-interviews .interview-row a');
  await page.waitForURL(new RegExp(`#/conversations/${chat.conversationId}$`));
  chat.close();
  expect(seen.errors).toEqual([]);
}, 90_000);
