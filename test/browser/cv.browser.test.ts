/**
 * CV upload in Chromium: on /chat the candidate picks a generated PDF with the paperclip button;
 * the page posts it, the bot's reading and the suggested role arrive on the page with buttons,
 * a click applies; the recruiter signs in to the console and reads the skills and years on the
 * candidate's Profile tab. A renamed PNG is refused with a message on the page.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchPage } from '../support/browser.js';
import { consoleBrowserSuite, signInConsole } from '../support/console-browser.js';
import { cvPdf, PYTHON_CV } from '../support/cv-fixtures.js';

const suite = consoleBrowserSuite();
const describeBrowser = suite.hasChromium ? describe : describe.skip;

describeBrowser('CV upload on the chat page', () => {
  it('a PDF picked on /chat is read, the role is offered and taken, and the console profile shows the skills', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-cv-'));
    const pdf = join(dir, 'ana-lima-cv.pdf');
    writeFileSync(pdf, await cvPdf(PYTHON_CV));
    const fake = join(dir, 'not-a-cv.pdf');
    writeFileSync(fake, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]));

    const chat = await suite.browser.newPage();
    const seen = watchPage(chat);
    await chat.goto(`${suite.app.url}/chat`);
    await chat.locator('#status', { hasText: 'Online' }).waitFor({ timeout: 15_000 });
    await chat.locator('#input').fill('hi');
    await chat.locator('#input').press('Enter');
    await chat.locator('.choices button', { hasText: 'Yes, continue' }).click();
    await chat.locator('.msg--bot', { hasText: 'What is your name?' }).waitFor();
    await chat.locator('#input').fill('Ana Lima');
    await chat.locator('#input').press('Enter');
    await chat.locator('.msg--bot', { hasText: 'Which role' }).waitFor();

    // The refused file: a message on the page, nothing sent to the bot.
    await chat.locator('#cv-file').setInputFiles(fake);
    await chat.locator('#error', { hasText: "That file isn't a PDF or Word (.docx) document." }).waitFor();

    await chat.locator('#cv-file').setInputFiles(pdf);
    await chat.locator('.msg--candidate[data-cv="sent"]', { hasText: 'CV sent: ana-lima-cv.pdf' }).waitFor();
    await chat.locator('.msg--bot', { hasText: 'I found: Python, Django, FastAPI, asyncio, Celery, PostgreSQL. About 8 years of experience.' }).waitFor();
    const offer = chat.locator('.msg--bot', { hasText: 'Your CV looks like a Python, Django, FastAPI profile: apply for Python Developer?' });
    await offer.locator('.choices button', { hasText: 'Apply for Python Developer' }).click();
    await chat.locator('.msg--bot', { hasText: "You're applying for Python Developer" }).waitFor();
    expect(await chat.locator('#cv-attach').getAttribute('aria-label')).toBe('Send your CV (PDF or Word)');
    expect(seen).toEqual({ dialogs: [], errors: [] });

    const console = await suite.browser.newPage();
    await signInConsole(console, suite.app.url);
    await console.locator('.conv', { hasText: 'Ana Lima' }).first().click();
    await console.click('.tab[data-tab=profile]');
    await console.locator('.cv-panel [data-cv="skills"]', { hasText: 'Python, Django, FastAPI, asyncio, Celery, PostgreSQL' }).waitFor();
    expect(await console.locator('.cv-panel [data-cv="experience"]').textContent()).toBe('8 years');
    expect(await console.locator('.cv-panel [data-cv="suggested role"]').textContent()).toBe('python');
    await console.screenshot({ path: join(dir, 'console-cv.png') });
  }, 120_000);
});
