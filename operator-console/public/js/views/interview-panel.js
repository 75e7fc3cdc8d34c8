import { request as api, audioObjectUrl } from '../api.js';
import { h, mount } from '../dom.js';
import { fullTime, shortTime } from '../format.js';
import { canAct, state } from '../state.js';

// The panel renders the server's assessment view (`ConversationDetail.assessment`, shape
// `AssessmentView` in operator-console/contract.ts): the assessment's own numbers, names instead
// of ids. Nothing is computed here, so every view shows the same figures. Text goes through text
// nodes only (strict CSP, no innerHTML).

export const RECOMMENDATION_LABELS = { 'strong-yes': 'Strong yes', yes: 'Yes', maybe: 'Maybe', no: 'No' };
const STATUS_LABELS = { 'in-progress': 'In progress', completed: 'Completed', abandoned: 'Abandoned' };

function kv(label, value, id) {
  return value === undefined || value === null || value === '' ? null : h('div', { class: 'kv' }, h('dt', {}, label), h('dd', id ? { id } : {}, String(value)));
}

const clock = (sec) => Math.floor(sec / 60) + ':' + String(Math.round(sec % 60)).padStart(2, '0');

function skillList(skills) {
  return h(
    'ul',
    { class: 'skills', id: 'assessment-skills' },
    skills.map((s) =>
      h(
        'li',
        { class: 'skill' + (s.current ? ' skill--current' : ''), dataset: { skill: s.id } },
        h('span', { class: 'skill__name' }, s.name, s.core ? null : h('span', { class: 'muted' }, ' · optional'), s.current ? h('span', { class: 'muted' }, ' · now') : null),
        s.levelReached ? h('span', { class: 'badge badge--reached', title: 'Highest level answered well' }, 'reached ' + s.levelReached) : h('span', { class: 'muted' }, s.answers ? 'no level reached' : 'not asked'),
        s.boundary ? h('span', { class: 'badge badge--boundary', title: 'Where knowledge ran out' }, 'boundary: ' + s.boundary) : null,
        s.score !== undefined ? h('span', { class: 'skill__score' }, s.score + '/100') : null,
      ),
    ),
  );
}

/** The voice note's audio (the endpoint needs the bearer token: fetched, then played from a blob). */
function playButton(audioUrl) {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'btn btn--ghost btn--small',
      onclick: async () => {
        button.disabled = true;
        try {
          const audio = h('audio', { controls: true, src: await audioObjectUrl(audioUrl) });
          button.replaceWith(audio);
          void audio.play().catch(() => undefined);
        } catch {
          button.disabled = false;
        }
      },
    },
    'Play',
  );
  return button;
}

function evidenceList(items, id, empty) {
  if (!items.length) return h('p', { class: 'muted', id }, empty);
  return h(
    'ul',
    { class: 'evidence-list', id },
    items.map((e) =>
      h(
        'li',
        { class: 'evidence', dataset: { skill: e.skill } },
        h('p', { class: 'evidence__summary' }, e.summary),
        h('blockquote', { class: 'quote' }, e.quote),
        e.voice ? h('p', { class: 'voice muted' }, 'From a voice note, ' + fullTime(e.voice.at) + (e.voice.durationSec !== undefined ? ' (' + clock(e.voice.durationSec) + ')' : ''), e.voice.audioUrl ? playButton(e.voice.audioUrl) : null) : null,
        e.concepts.length ? h('p', { class: 'concepts muted' }, e.concepts.join(', ')) : null,
      ),
    ),
  );
}

function integrityBlock(integrity) {
  return h(
    'section',
    { class: 'assess-block', id: 'integrity' },
    h('h4', {}, 'Integrity ', h('span', { class: 'muted' }, integrity.score + '/100')),
    integrity.flags.length
      ? h(
          'ul',
          { class: 'flags' },
          integrity.flags.map((f) =>
            h('li', { class: 'flag flag--' + f.severity }, h('div', { class: 'row' }, h('strong', {}, f.label), h('span', { class: 'badge badge--sev-' + f.severity }, f.severity)), h('p', { class: 'flag__evidence' }, f.evidence), f.question ? h('p', { class: 'muted' }, 'Question: ' + f.question) : null),
          ),
        )
      : h('p', { class: 'muted' }, 'No integrity flags.'),
    integrity.flags.length ? h('p', { class: 'muted small' }, 'Evidence to ask about, not a verdict.') : null,
  );
}

function overrideForm(view, rerender) {
  const select = h('select', { id: 'override-recommendation', 'aria-label': 'New recommendation' }, Object.entries(RECOMMENDATION_LABELS).map(([v, label]) => h('option', { value: v, selected: v === view.recommendation.value }, label)));
  const reason = h('textarea', { id: 'override-reason', rows: '2', maxlength: '1000', placeholder: 'Why (kept in the audit trail)', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    {
      class: 'override-form',
      id: 'override-form',
      hidden: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        error.hidden = true;
        try {
          const fresh = await api('/candidates/' + encodeURIComponent(view.candidateId) + '/assessment/override', { method: 'POST', body: { recommendation: select.value, reason: reason.value } });
          rerender(fresh);
        } catch (err) {
          mount(error, err.message);
          error.hidden = false;
        }
      },
    },
    h('label', {}, 'Recommendation ', select),
    reason,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn btn--primary btn--small', id: 'override-save' }, 'Save override'), h('button', { type: 'button', class: 'btn btn--ghost btn--small', onclick: () => (form.hidden = true) }, 'Cancel')),
    error,
  );
  return form;
}

function recommendationBlock(view, rerender) {
  const rec = view.recommendation;
  const form = canAct() ? overrideForm(view, rerender) : null;
  return h(
    'section',
    { class: 'assess-block', id: 'recommendation-block' },
    h(
      'div',
      { class: 'row' },
      h('h4', {}, 'Recommendation'),
      h('span', { class: 'rec rec--' + rec.value, id: 'recommendation' }, RECOMMENDATION_LABELS[rec.value] || rec.value),
      form ? h('button', { type: 'button', class: 'btn btn--ghost btn--small', id: 'override-open', onclick: () => (form.hidden = !form.hidden) }, 'Override') : null,
    ),
    rec.override
      ? h('p', { class: 'override', id: 'override' }, 'Set by ' + rec.override.operatorName + ', ' + fullTime(rec.override.at) + ': ' + rec.override.reason, h('span', { class: 'muted' }, ' (computed: ' + (RECOMMENDATION_LABELS[rec.computed] || rec.computed) + ')'))
      : null,
    h('ul', { class: 'reasons' }, rec.reasons.map((r) => h('li', {}, r))),
    form,
  );
}

// Minted report links by candidate id: the panel re-renders on every change, the link stays.
const reportLinks = new Map();

function linkView(link) {
  return [h('a', { href: link.url, target: '_blank', rel: 'noopener noreferrer', id: 'report-link' }, 'Open the printable report'), h('span', { class: 'muted' }, ' · link valid until ' + shortTime(link.expiresAt))];
}

function shareBlock(view) {
  if (!canAct()) return null;
  const kept = reportLinks.get(view.candidateId);
  const out = h('div', { class: 'share', id: 'share-out' }, kept && Date.parse(kept.expiresAt) > Date.now() ? linkView(kept) : null);
  // The panel may have been drawn again while the request ran (a live update of the assessment,
  // e.g. the override just saved): the answer goes where the panel is now, not into the old one.
  const shown = () => (out.isConnected ? out : document.getElementById('share-out')) || out;
  const button = h(
    'button',
    {
      type: 'button',
      class: 'btn btn--small',
      id: 'share-report',
      onclick: async () => {
        button.disabled = true;
        try {
          const link = await api('/candidates/' + encodeURIComponent(view.candidateId) + '/report-link', { method: 'POST' });
          reportLinks.set(view.candidateId, link);
          mount(shown(), linkView(link));
        } catch (err) {
          mount(shown(), h('span', { class: 'form-error' }, err.message));
        } finally {
          button.disabled = false;
        }
      },
    },
    'Share report',
  );
  return h('div', { class: 'row share-row' }, button, out);
}

/** The interview panel: progress while it runs, then the whole assessment. */
export function interviewPanel(detail) {
  const intake = detail.state && detail.state.intake;
  const view = detail.assessment;
  if (!view) {
    return h('div', { class: 'panel-empty' }, h('p', {}, 'No technical interview yet.'), intake && intake.step ? h('p', { class: 'muted' }, 'Intake step: ' + intake.step) : h('p', { class: 'muted' }, 'It starts once intake is done.'));
  }
  const root = h('div', { class: 'interview', id: 'assessment' });
  const rerender = (fresh) => {
    if (state.detail === detail) detail.assessment = fresh;
    root.replaceWith(interviewPanel(detail));
  };
  const parts = [
    h(
      'dl',
      { class: 'kvs' },
      kv('Role', view.role.title, 'assessment-role'),
      kv('Status', STATUS_LABELS[view.status] || view.status),
      kv('Overall score', view.overallScore !== undefined ? view.overallScore + '/100' : undefined, 'overall-score'),
      kv('Questions', view.questionsAsked),
      kv('Duration', view.durationMin !== undefined ? view.durationMin + ' min' : undefined),
      kv('Waiting for', view.pending ? view.pending.skillName + ' · ' + view.pending.level : undefined),
    ),
  ];
  if (view.recommendation) parts.push(recommendationBlock(view, rerender), shareBlock(view));
  if (view.skills.length) parts.push(h('h4', {}, 'Skills'), skillList(view.skills));
  if (view.status === 'completed') {
    parts.push(h('h4', {}, 'Strengths'), evidenceList(view.strengths, 'strengths', 'None stood out.'));
    parts.push(h('h4', {}, 'Weaknesses'), evidenceList(view.weaknesses, 'weaknesses', 'None found.'));
  }
  if (view.integrity) parts.push(integrityBlock(view.integrity));
  if (view.nextSteps.length) parts.push(h('h4', {}, 'Suggested next steps'), h('ol', { class: 'steps', id: 'next-steps' }, view.nextSteps.map((s) => h('li', {}, s))));
  if (view.status !== 'completed' && view.answers.length) {
    parts.push(h('h4', {}, 'Answers so far'));
    parts.push(
      h(
        'ol',
        { class: 'answers' },
        view.answers.slice(-12).map((a) =>
          h(
            'li',
            {},
            h('span', { class: 'skill__name' }, a.skillName, h('span', { class: 'muted' }, ' · ' + a.level)),
            a.unparseable ? h('span', { class: 'badge badge--q-poor' }, 'not understood') : null,
            h('span', { class: 'badge badge--q-' + a.quality }, a.quality),
            h('span', { class: 'skill__score' }, a.score + '/100'),
          ),
        ),
      ),
    );
  }
  mount(root, parts);
  return root;
}
