import type { AssessmentView, EvidenceView } from '../contract.js';
import { RECOMMENDATION_LABELS } from './assessment-view.js';

/** Every piece of text goes through here: candidate words can never become markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

type Html = { html: string };
const raw = (html: string): Html => ({ html });
/** Tagged template: interpolated strings are escaped, `Html` values and arrays of them are not. */
function html(strings: TemplateStringsArray, ...values: (string | number | Html | Html[] | undefined | null | false)[]): Html {
  let out = '';
  strings.forEach((s, i) => {
    out += s;
    const v = values[i];
    if (v === undefined || v === null || v === false) return;
    if (Array.isArray(v)) out += v.map((x) => x.html).join('');
    else if (typeof v === 'object') out += v.html;
    else out += escapeHtml(String(v));
  });
  return raw(out);
}

const minutes = (iso: string) => new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const clock = (sec: number) => `${Math.floor(sec / 60)}:${String(Math.round(sec % 60)).padStart(2, '0')}`;

function evidence(e: EvidenceView): Html {
  return html`<li class="evidence">
  <p class="evidence__summary">${e.summary}</p>
  <blockquote class="quote">${e.quote}</blockquote>
  ${e.voice ? html`<p class="voice">From a voice note, ${minutes(e.voice.at)}${e.voice.durationSec !== undefined ? `, ${clock(e.voice.durationSec)} long` : ''}</p>` : null}
  ${e.concepts.length ? html`<p class="concepts">${e.concepts.join(', ')}</p>` : null}
</li>`;
}

/**
 * The printable report of one candidate's assessment: a static page (no script), styled by
 * `/console/report.css` with print rules, so "Print, Save as PDF" gives a clean document.
 */
export function renderAssessmentReport(v: AssessmentView, opts: { generatedAt: Date; generatedBy: string; companyName?: string }): string {
  const rec = v.recommendation;
  const name = v.candidateName ?? 'Unnamed candidate';
  const body = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${`Assessment: ${name} (${v.role.title})`}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/report.css">
</head>
<body>
<main class="report" id="report" data-candidate="${v.candidateId}">
<header class="report__head">
  <p class="report__company">${opts.companyName ?? 'Parley'}: technical interview assessment</p>
  <h1 id="candidate-name">${name}</h1>
  <p class="report__role" id="role">${v.role.title}</p>
  <dl class="facts">
    <div><dt>Overall score</dt><dd id="overall-score">${v.overallScore !== undefined ? `${v.overallScore}/100` : 'not scored yet'}</dd></div>
    <div><dt>Recommendation</dt><dd id="recommendation" class="rec rec--${rec?.value ?? 'none'}">${rec ? RECOMMENDATION_LABELS[rec.value] : 'interview in progress'}</dd></div>
    <div><dt>Questions</dt><dd>${v.questionsAsked}</dd></div>
    ${v.durationMin !== undefined ? html`<div><dt>Duration</dt><dd>${`${v.durationMin} min`}</dd></div>` : null}
    ${v.integrity ? html`<div><dt>Integrity</dt><dd id="integrity-score">${`${v.integrity.score}/100`}</dd></div>` : null}
  </dl>
</header>
${rec
    ? html`<section class="block" id="recommendation-block">
  <h2>Recommendation</h2>
  ${rec.override
        ? html`<p class="override" id="override">${`Set to "${RECOMMENDATION_LABELS[rec.override.recommendation]}" by ${rec.override.operatorName} on ${minutes(rec.override.at)}: ${rec.override.reason}`}</p>
  <p class="muted">${`Computed recommendation: ${RECOMMENDATION_LABELS[rec.computed]}`}</p>`
        : null}
  <ul class="reasons">${rec.reasons.map((r) => html`<li>${r}</li>`)}</ul>
</section>`
    : null}
<section class="block">
  <h2>Skills</h2>
  <table class="skills" id="skills">
    <thead><tr><th>Skill</th><th>Score</th><th>Level reached</th><th>Boundary</th></tr></thead>
    <tbody>${v.skills.map((s) => html`<tr data-skill="${s.id}"><td>${s.name}${s.core ? '' : ' (optional)'}</td><td class="num">${s.score !== undefined ? String(s.score) : 'not asked'}</td><td>${s.levelReached ?? 'none'}</td><td>${s.boundary ?? 'none found'}</td></tr>`)}</tbody>
  </table>
</section>
<section class="block cols">
  <div><h2>Strengths</h2>${v.strengths.length ? html`<ul class="evidence-list" id="strengths">${v.strengths.map(evidence)}</ul>` : html`<p class="muted">None stood out.</p>`}</div>
  <div><h2>Weaknesses</h2>${v.weaknesses.length ? html`<ul class="evidence-list" id="weaknesses">${v.weaknesses.map(evidence)}</ul>` : html`<p class="muted">None found.</p>`}</div>
</section>
${v.integrity
    ? html`<section class="block" id="integrity">
  <h2>Integrity flags</h2>
  <p class="muted">Evidence for a conversation with the candidate, not a verdict.</p>
  ${v.integrity.flags.length
        ? html`<ul class="flags">${v.integrity.flags.map((f) => html`<li class="flag flag--${f.severity}"><strong>${f.label}</strong> <span class="sev">${f.severity}</span><p>${f.evidence}</p>${f.question ? html`<p class="muted">${`Question: ${f.question}`}</p>` : null}</li>`)}</ul>`
        : html`<p>No flags.</p>`}
</section>`
    : null}
${v.nextSteps.length ? html`<section class="block"><h2>Suggested next steps</h2><ol class="steps">${v.nextSteps.map((s) => html`<li>${s}</li>`)}</ol></section>` : null}
<footer class="report__foot">${`Generated ${minutes(opts.generatedAt.toISOString())} for ${opts.generatedBy}. Scores are 0 to 100: the level-weighted mean of the answers' scores (harder questions weigh more).`}</footer>
</main>
</body>
</html>
`;
  return body.html;
}
