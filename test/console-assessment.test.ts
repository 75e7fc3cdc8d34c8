/**
 * A candidate's assessment over the console's REST API, after a real interview over the web chat
 * (scripted candidate: strong in the core language, weak in testing): any operator reads it as
 * JSON with the assessment's own numbers and the bank's names; only recruiters and admins
 * override the recommendation (audited, the computed one kept) and mint report links; the
 * printable page opens with the link alone and stops opening when its author signs out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../bots/interviewer/bank-loader.js';
import type { Assessment, RoleBank } from '../core/interview/index.js';
import { addOperator, type AssessmentView, type ConversationDetail, type ReportLink } from '../operator-console/index.js';
import { api, login } from '../operator-console/testing.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';
import { runScriptedInterview } from './support/scripted-interview.js';

const PASSWORD = 'correct-horse-battery';
/** Weak in testing, in the candidate's own (wrong) words; strong scripted answers elsewhere. */
const weakTesting = (q: { skill: string }) =>
  q.skill === 'testing' ? 'Honestly I do not write <i>tests</i> much, I click through the app by hand before a release and if nothing breaks it ships. A mock is just a fake database I guess.' : undefined;
const python = (await loadQuestionBanks([DEFAULT_BANK_DIR])).get('python') as RoleBank;
let app: TestParley;
let ana: string;
let vic: string;
let candidateId: string;
let conversationId: string;
let stored: Assessment;
let candidateWords: string;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  const operators = app.parley.ports.operators;
  await addOperator(operators, { email: 'ana@acme.test', name: 'Ana Recruiter', role: 'recruiter', password: PASSWORD }, new Date());
  await addOperator(operators, { email: 'vic@acme.test', name: 'Vic Viewer', role: 'viewer', password: PASSWORD }, new Date());
  ana = (await login(app.url, 'ana@acme.test', PASSWORD)).token;
  vic = (await login(app.url, 'vic@acme.test', PASSWORD)).token;
  const chat = await runScriptedInterview(app.url, { name: 'Mixed Max', roleTitle: 'Python Developer', policy: 'strong', answer: weakTesting });
  chat.close();
  conversationId = chat.conversationId;
  const conversation = await app.parley.store.getConversation(conversationId);
  candidateId = conversation!.candidateId;
  stored = conversation!.state.assessment as Assessment;
  candidateWords = (await app.parley.store.listMessages(conversationId)).filter((m) => m.direction === 'in').map((m) => m.text.replace(/\s+/g, ' ')).join('\n');
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

const squash = (t: string) => t.replace(/…$/, '').replace(/\s+/g, ' ').trim();

async function overrideEvents() {
  return (await app.parley.store.listEvents({ candidateId, types: ['OperatorAction'] })).filter((e) => e.type === 'OperatorAction' && e.action === 'assessment-override');
}

describe('GET /api/v1/candidates/:id/assessment', () => {
  it('gives any operator the assessment with its own numbers, the bank names, quotes in the candidate\'s words and integrity evidence', async () => {
    const { status, body } = await api<AssessmentView>(app.url, vic, `/candidates/${candidateId}/assessment`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ candidateId, conversationId, candidateName: 'Mixed Max', role: { id: 'python', title: 'Python Developer' }, status: 'completed', overallScore: stored.overallScore, questionsAsked: stored.questionsAsked });
    expect(body.recommendation).toMatchObject({ value: stored.recommendation, computed: stored.recommendation, reasons: stored.recommendationReasons, history: [] });
    // One score per skill, the assessment's, under the bank's skill names.
    const bankNames = Object.fromEntries(python.skills.map((s) => [s.id, s.name]));
    for (const s of body.skills) {
      expect(s.name).toBe(bankNames[s.id]);
      if (s.answers > 0) expect(s.score).toBe(stored.skillScores[s.id]);
      expect(s.boundary).toBe(stored.boundaries[s.id]);
      expect(s.levelReached).toBe(stored.levelReached[s.id]);
    }
    expect(body.skills.find((s) => s.id === 'testing')?.name).toBe('Testing and quality');
    expect(body.strengths.length).toBe(stored.strengths.length);
    expect(body.weaknesses.length).toBeGreaterThan(0);
    expect(body.weaknesses.map((w) => w.skill)).toContain('testing');
    for (const e of [...body.strengths, ...body.weaknesses]) {
      expect(candidateWords).toContain(squash(e.quote));
      expect(e.summary.startsWith(`${bankNames[e.skill]}:`)).toBe(true);
    }
    expect(body.integrity?.score).toBe(stored.integrityScore);
    expect(body.integrity?.flags.length).toBe(stored.integrityFlags.length);
    expect(body.integrity!.flags.length).toBeGreaterThan(0);
    for (const f of body.integrity!.flags) {
      expect(f.evidence.length).toBeGreaterThan(0);
      expect(f.question).toBe(python.questions.find((q) => q.id === f.questionId)?.text);
    }
    expect(body.nextSteps.length).toBe(stored.nextSteps.length);
    expect(body.nextSteps.join(' ')).not.toMatch(/\btesting \(/);
  });

  it('is the same view the conversation detail carries', async () => {
    const rest = await api<AssessmentView>(app.url, vic, `/candidates/${candidateId}/assessment`);
    const detail = await api<ConversationDetail>(app.url, vic, `/conversations/${conversationId}`);
    expect(detail.body.assessment).toEqual(rest.body);
  });

  it('answers 404 for an unknown candidate and 401 without a token', async () => {
    const unknown = await api<{ error: { code: string } }>(app.url, vic, '/candidates/cand_nobody/assessment');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    expect((await api(app.url, undefined, `/candidates/${candidateId}/assessment`)).status).toBe(401);
  });
});

describe('overriding the recommendation', () => {
  it('is refused to a viewer, and nothing is recorded', async () => {
    const r = await api<{ error: { code: string } }>(app.url, vic, `/candidates/${candidateId}/assessment/override`, { method: 'POST', body: { recommendation: 'yes', reason: 'I liked them' } });
    expect(r.status).toBe(403);
    expect(await overrideEvents()).toEqual([]);
  });

  it('needs a valid recommendation and a reason, and a known candidate', async () => {
    expect((await api(app.url, ana, `/candidates/${candidateId}/assessment/override`, { method: 'POST', body: { recommendation: 'yes' } })).status).toBe(400);
    expect((await api(app.url, ana, `/candidates/${candidateId}/assessment/override`, { method: 'POST', body: { recommendation: 'hire-now', reason: 'great' } })).status).toBe(400);
    expect((await api(app.url, ana, '/candidates/cand_nobody/assessment/override', { method: 'POST', body: { recommendation: 'yes', reason: 'great' } })).status).toBe(404);
    expect(await overrideEvents()).toEqual([]);
  });

  it('by a recruiter is audited with who, when and why, shown with the computed recommendation kept', async () => {
    const to = stored.recommendation === 'strong-yes' ? 'maybe' : 'strong-yes';
    const r = await api<AssessmentView>(app.url, ana, `/candidates/${candidateId}/assessment/override`, { method: 'POST', body: { recommendation: to, reason: 'Testing gap is covered by the team; strong core skills' } });
    expect(r.status).toBe(201);
    expect(r.body.recommendation).toMatchObject({ value: to, computed: stored.recommendation, override: { recommendation: to, reason: 'Testing gap is covered by the team; strong core skills', operatorName: 'Ana Recruiter' } });
    const events = await overrideEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: expect.stringMatching(/^operator:/), candidateId, conversationId, details: { from: stored.recommendation, to, reason: 'Testing gap is covered by the team; strong core skills' } });
    expect(r.body.recommendation?.override?.at).toBe(events[0]!.at.toISOString());
    // The interview's own assessment is untouched.
    expect(((await app.parley.store.getConversation(conversationId))!.state.assessment as Assessment).recommendation).toBe(stored.recommendation);
    const read = await api<AssessmentView>(app.url, vic, `/candidates/${candidateId}/assessment`);
    expect(read.body.recommendation?.value).toBe(to);
    expect(read.body.recommendation?.history).toHaveLength(1);
  });
});

describe('an interview still running', () => {
  it('is shown in progress with no recommendation, which cannot be overridden yet', async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /agree to continue/);
    await c.ask('Yes, continue', /What is your name/);
    await c.ask('Paula Progress', /Which role/);
    await c.ask('Python Developer', /^Question 1: /);
    c.close();
    const id = (await app.parley.store.getConversation(c.conversationId))!.candidateId;
    const view = await api<AssessmentView>(app.url, vic, `/candidates/${id}/assessment`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'in-progress', role: { title: 'Python Developer' }, questionsAsked: 0, strengths: [], weaknesses: [] });
    expect(view.body.recommendation).toBeUndefined();
    const r = await api<{ error: { code: string } }>(app.url, ana, `/candidates/${id}/assessment/override`, { method: 'POST', body: { recommendation: 'yes', reason: 'looks good so far' } });
    expect(r.status).toBe(409);
    expect((await app.parley.store.listEvents({ candidateId: id, types: ['OperatorAction'] })).length).toBe(0);
  });
});

describe('the shareable report', () => {
  it('is minted by a recruiter (not a viewer) and opens without a bearer token, with the same numbers', async () => {
    expect((await api(app.url, vic, `/candidates/${candidateId}/report-link`, { method: 'POST' })).status).toBe(403);
    const minted = await api<ReportLink>(app.url, ana, `/candidates/${candidateId}/report-link`, { method: 'POST' });
    expect(minted.status).toBe(201);
    expect(minted.body.url).toMatch(/^\/console\/report\?t=/);
    const page = await fetch(`${app.url}${minted.body.url}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    const view = (await api<AssessmentView>(app.url, vic, `/candidates/${candidateId}/assessment`)).body;
    expect(html).toContain(`<dd id="overall-score">${stored.overallScore}/100</dd>`);
    expect(html).toContain('Mixed Max');
    expect(html).toContain('Python Developer');
    for (const s of view.skills.filter((x) => x.score !== undefined)) expect(html).toMatch(new RegExp(`<tr data-skill="${s.id}"><td>[^<]*</td><td class="num">${s.score}</td>`));
    expect(html).toContain('by Ana Recruiter');
    expect(html).not.toMatch(/<script/i);
    // The candidate's words are escaped, never markup.
    expect(html).toContain('Honestly I do not write &lt;i&gt;tests&lt;/i&gt; much');
    expect(html).not.toContain('<i>');
  });

  it('refuses a missing or tampered link, and one whose author signed out', async () => {
    expect((await fetch(`${app.url}/console/report`)).status).toBe(401);
    const minted = (await api<ReportLink>(app.url, ana, `/candidates/${candidateId}/report-link`, { method: 'POST' })).body;
    const token = decodeURIComponent(minted.url.split('t=')[1]!);
    const [claims, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), c: 'cand_other' })).toString('base64url');
    expect((await fetch(`${app.url}/console/report?t=${encodeURIComponent(`${forged}.${sig}`)}`)).status).toBe(401);
    expect((await fetch(`${app.url}${minted.url}`)).status).toBe(200);
    await fetch(`${app.url}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${ana}` } });
    const after = await fetch(`${app.url}${minted.url}`);
    expect(after.status).toBe(401);
    expect(await after.text()).toContain('no longer valid');
  });
});
