// The funnel's filters (start date range, role, channel, recruiter), its CSV export and the
// intervention success card. REST: GET /api/v1/analytics/funnel?from&to&role&channel&recruiter[&format=csv].
import { request as api } from '../api.js';
import { h } from '../dom.js';
import { CHANNEL_LABELS, percent } from '../format.js';
import { state } from '../state.js';

const KIND_LABELS = { nudge: 'Nudge', 'recruiter-message': 'Recruiter message', takeover: 'Takeover' };

/** The filter bar; `onChange` runs when a filter changes. */
export function funnelFilters(onChange) {
  const from = h('input', { type: 'date', id: 'funnel-from', onchange: onChange });
  const to = h('input', { type: 'date', id: 'funnel-to', onchange: onChange });
  const role = h('select', { id: 'funnel-role', onchange: onChange }, h('option', { value: '' }, 'All roles'));
  const channel = h('select', { id: 'funnel-channel', onchange: onChange }, h('option', { value: '' }, 'All channels'), Object.entries(CHANNEL_LABELS).map(([id, label]) => h('option', { value: id }, label)));
  const recruiter = h('select', { id: 'funnel-recruiter', onchange: onChange }, h('option', { value: '' }, 'All recruiters'), [...state.operators.values()].map((o) => h('option', { value: o.id }, o.name)));
  const csv = h('button', { class: 'btn btn--ghost', type: 'button', id: 'funnel-csv', onclick: () => void download() }, 'Export CSV');
  const field = (label, input) => h('label', {}, label, input);
  const el = h('div', { class: 'funnel-filters', id: 'funnel-filters' }, field('Started from', from), field('to', to), field('Role', role), field('Channel', channel), field('Recruiter', recruiter), csv);

  function query() {
    const q = new window.URLSearchParams();
    for (const [name, input] of [['from', from], ['to', to], ['role', role], ['channel', channel], ['recruiter', recruiter]]) if (input.value) q.set(name, input.value);
    const s = q.toString();
    return s ? '?' + s : '';
  }
  /** Roles come with each report (every role in the funnel, whatever the filters). */
  function setRoles(roles) {
    const current = role.value;
    role.replaceChildren(h('option', { value: '' }, 'All roles'), ...roles.map((r) => h('option', { value: r, selected: r === current }, r)));
  }
  async function download() {
    const q = query();
    const res = await api('/analytics/funnel' + (q ? q + '&' : '?') + 'format=csv', { raw: true });
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: 'parley-funnel.csv', hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return { el, query, setRoles };
}

/** Per kind of intervention: attempts on at-risk candidates and how many wrote again within 48 h. */
export function interventionsTable(r) {
  return h(
    'table',
    { class: 'interventions', id: 'interventions' },
    h('thead', {}, h('tr', {}, h('th', {}, 'After a…'), h('th', {}, 'Attempts'), h('th', {}, 'Re-engaged (48 h)'), h('th', {}, 'Success'), h('th', {}, 'Waiting'))),
    h(
      'tbody',
      {},
      (r.interventions || []).map((i) => h('tr', { dataset: { kind: i.kind } }, h('td', {}, KIND_LABELS[i.kind] || i.kind), h('td', {}, String(i.attempts)), h('td', {}, String(i.reEngaged)), h('td', { class: 'interventions__rate' }, percent(i.rate)), h('td', {}, String(i.pending)))),
    ),
  );
}
