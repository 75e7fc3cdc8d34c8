import { request as api } from '../api.js';
import { h, mount } from '../dom.js';
import { fullTime } from '../format.js';

/**
 * The candidate's CV as Parley read it (GET /conversations/:id/cv): skills, years of experience,
 * the role it suggests and the feedback the candidate was given. Filled in once the answer comes.
 */
export function cvPanel(detail) {
  const box = h('section', { class: 'cv-panel', 'aria-label': 'CV' }, h('h3', {}, 'CV'), h('p', { class: 'muted' }, 'Loading…'));
  api('/conversations/' + encodeURIComponent(detail.summary.id) + '/cv')
    .then((r) => mount(box, h('h3', {}, 'CV'), r.cv ? cvRows(r.cv) : h('p', { class: 'muted' }, 'No CV received yet.')))
    .catch(() => mount(box, h('h3', {}, 'CV'), h('p', { class: 'muted' }, 'The CV could not be loaded.')));
  return box;
}

function cvRows(cv) {
  const row = (label, value) => (value ? h('div', { class: 'kv' }, h('dt', {}, label), h('dd', { dataset: { cv: label.toLowerCase() } }, value)) : null);
  const f = cv.feedback;
  return h(
    'dl',
    { class: 'kvs' },
    row('Skills', cv.skills.length ? cv.skills.join(', ') : 'None recognised'),
    row('Experience', cv.years ? cv.years + (cv.years === 1 ? ' year' : ' years') : null),
    row('Suggested role', cv.suggestedRole),
    row('Format', cv.format.toUpperCase() + (cv.textLength ? '' : ' (no text layer: a scan?)')),
    row('Received', fullTime(cv.readAt)),
    f ? row('Shows for ' + f.roleTitle, f.shows.join(', ') || 'None') : null,
    f ? row('Lacks for ' + f.roleTitle, f.lacks.join(', ') || 'Nothing') : null,
    f && f.written ? row('Written feedback', f.written) : null,
  );
}
