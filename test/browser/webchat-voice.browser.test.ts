/**
 * Voice notes from the browser, in Chromium: a fake microphone plays a WAV spoken by espeak-ng;
 * the candidate taps the microphone on /chat, records, taps again; the note is uploaded, fetched
 * and transcribed by a fake OpenAI-compatible server on loopback, the bot answers, and the page
 * shows the note (a player) with its transcript. Voice replies then play the question in the
 * page. A blocked microphone gets a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startParley, type TestParley } from '../support/harness.js';
import { chromiumAvailable, findChromium, watchPage } from '../support/browser.js';
import { commandsOnPath, requireSystemPackage } from '../support/system-deps.js';

const hasEspeak = commandsOnPath('espeak-ng', 'opusenc');
const ready = chromiumAvailable() && requireSystemPackage('espeak-ng and opus-tools', hasEspeak, 'apt-get install -y espeak-ng opus-tools');
const describeBrowser = ready ? describe : describe.skip;

const BASE = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let app: TestParley;
let whisper: Server;
const uploads: { bytes: number; body: Buffer }[] = [];
let wav = '';

/** An OpenAI-compatible transcription endpoint: says what the espeak-ng WAV says. */
function fakeWhisper(): Promise<Server> {
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url !== '/v1/audio/transcriptions') {
        res.writeHead(404).end();
        return;
      }
      uploads.push({ bytes: body.length, body });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ task: 'transcribe', language: 'english', duration: 2, text: 'My name is Ana Lima.', segments: [] }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  if (!ready) return;
  const dir = mkdtempSync(join(tmpdir(), 'parley-voice-'));
  wav = join(dir, 'my-name-is.wav');
  execFileSync('espeak-ng', ['-v', 'en', '-w', wav, 'My name is Ana Lima.']);
  whisper = await fakeWhisper();
  app = await startParley({
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: `http://127.0.0.1:${(whisper.address() as AddressInfo).port}/v1`,
    VOICE_SYNTHESIZER: 'espeak-ng',
  });
});
afterAll(async () => {
  await app?.stop();
  whisper?.close();
});

async function launch(micAllowed: boolean): Promise<Browser> {
  const args = [...BASE, '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`, ...(micAllowed ? ['--use-fake-ui-for-media-stream'] : [])];
  return chromium.launch({ executablePath: findChromium()!, args });
}

describeBrowser('voice notes in the web chat', () => {
  it('a recorded note is uploaded, transcribed and answered; the page shows it with its transcript; voice replies play in the page', async () => {
    const browser = await launch(true);
    try {
      const page = await (await browser.newContext()).newPage();
      const seen = watchPage(page);
      await page.goto(`${app.url}/chat`);
      await page.locator('#status', { hasText: 'Online' }).waitFor({ timeout: 15_000 });
      await page.locator('#input').fill('hi');
      await page.locator('#input').press('Enter');
      await page.locator('.msg--bot', { hasText: 'Do you agree to continue?' }).waitFor({ timeout: 15_000 });
      await page.locator('.choices button', { hasText: 'Yes, continue' }).click();
      await page.locator('.msg--bot', { hasText: 'What is your name?' }).waitFor({ timeout: 15_000 });

      // The recorder is not part of the page until the microphone is used.
      expect(await page.evaluate(() => 'ParleyRecorder' in window)).toBe(false);
      await page.locator('#record').click();
      await page.locator('#record[aria-pressed="true"]').waitFor({ timeout: 15_000 });
      // Record about two seconds (the recorder's own counter), then tap to send.
      await page.locator('#record[title^="Recording 0:02"]').waitFor({ timeout: 15_000 });
      await page.locator('#record').click();

      const note = page.locator('.msg--candidate.msg--voice');
      await note.locator('audio').waitFor({ timeout: 15_000 });
      await page.locator('.msg--bot', { hasText: 'Nice to meet you, Ana Lima!' }).waitFor({ timeout: 20_000 });
      await note.locator('.msg__transcript', { hasText: '“My name is Ana Lima.”' }).waitFor({ timeout: 15_000 });

      // What reached the transcriber is the recording the browser made (WebM or Ogg with Opus).
      expect(uploads).toHaveLength(1);
      // Kept once, with the message (the upload's own copy is removed once the message has it).
      const stored = readdirSync(join(app.dataDir, 'audio')).filter((f) => /\.(webm|ogg)$/.test(f));
      expect(stored).toHaveLength(1);
      const recording = readFileSync(join(app.dataDir, 'audio', stored[0]!));
      expect(recording.length).toBeGreaterThan(2_000);
      expect(uploads[0]!.body.includes(recording.subarray(0, 4096))).toBe(true);

      // Voice replies: offered after the first note; on, the current question plays in the page.
      await page.locator('.msg--bot', { hasText: 'Send /voice on' }).waitFor({ timeout: 15_000 });
      await page.locator('#input').fill('/voice on');
      await page.locator('#input').press('Enter');
      await page.locator('.msg--bot', { hasText: 'Voice replies are on' }).waitFor({ timeout: 15_000 });
      const spoken = page.locator('.msg--bot', { hasText: 'Which role' }).last().locator('audio');
      await spoken.waitFor({ timeout: 30_000 });
      // The player holds a real Ogg/Opus file, with a duration the browser could read.
      const duration = await spoken.evaluate(
        (a: HTMLAudioElement) => new Promise<number>((resolve) => (Number.isFinite(a.duration) && a.duration > 0 ? resolve(a.duration) : a.addEventListener('loadedmetadata', () => resolve(a.duration), { once: true }))),
      );
      expect(duration).toBeGreaterThan(1);
      expect(seen).toEqual({ dialogs: [], errors: [] });
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('the widget on a careers site on another origin records too (its frame is allowed the microphone)', async () => {
    let parley = '';
    const careers = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><title>Careers</title><h1>Join us</h1><script src="${parley}/widget.js" async></script>`);
    });
    await new Promise<void>((resolve) => careers.listen(0, '127.0.0.1', resolve));
    const site = `http://localhost:${(careers.address() as AddressInfo).port}`;
    const framed = await startParley({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `http://127.0.0.1:${(whisper.address() as AddressInfo).port}/v1`, VOICE_SYNTHESIZER: 'none', WEBCHAT_FRAME_ANCESTORS: site });
    const browser = await launch(true);
    try {
      parley = framed.url;
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${site}/`);
      await page.click('button[aria-label="Chat with us about jobs"]');
      const chat = page.frameLocator('#parley-widget iframe');
      await chat.locator('#status', { hasText: 'Online' }).waitFor({ timeout: 15_000 });
      await chat.locator('#input').fill('hi');
      await chat.locator('#input').press('Enter');
      await chat.locator('.msg--bot', { hasText: 'Do you agree to continue?' }).waitFor({ timeout: 15_000 });
      await chat.locator('.choices button', { hasText: 'Yes, continue' }).click();
      await chat.locator('.msg--bot', { hasText: 'What is your name?' }).waitFor({ timeout: 15_000 });
      await chat.locator('#record').click();
      await chat.locator('#record[title^="Recording 0:01"]').waitFor({ timeout: 15_000 });
      await chat.locator('#record').click();
      await chat.locator('.msg--bot', { hasText: 'Nice to meet you, Ana Lima!' }).waitFor({ timeout: 20_000 });
      await chat.locator('.msg--voice .msg__transcript', { hasText: 'My name is Ana Lima.' }).waitFor({ timeout: 15_000 });
      expect(await chat.locator('#error').isHidden()).toBe(true);
    } finally {
      await browser.close();
      await framed.stop();
      careers.close();
    }
  }, 120_000);

  it('a blocked microphone gets a clear message', async () => {
    const browser = await launch(false);
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${app.url}/chat`);
      await page.locator('#status', { hasText: 'Online' }).waitFor({ timeout: 15_000 });
      await page.locator('#record').click();
      await page.locator('#error', { hasText: 'Microphone access was blocked' }).waitFor({ timeout: 15_000 });
      expect(await page.locator('#record').getAttribute('aria-pressed')).toBe('false');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
