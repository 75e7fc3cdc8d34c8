// Scheduling (REST /api/v1/scheduling, docs/scheduling.md): each recruiter's availability (weekly
// hours and dated exceptions in their own time zone) and the upcoming interviews per recruiter.
import { request as rest } from '../api.js';
import { h, mount } from '../dom.js';

const DAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];

/** "09:00-12:00, 14:00-17:30" -> [["09:00","12:00"],["14:00","17:30"]] (the server validates). */
export function parseHours(text) {
  const t = text.trim();
  if (!t || /^off$/i.test(t)) return [];
  return t.split(/\s*,\s*/).map((r) => r.split(/\s*[-–]\s*/));
}
const showHours = (ranges) => (ranges && ranges.length ? ranges.map((r) => r.join('-')).join(', ') : '');

/** "2026-03-17: off" / "2026-03-19: 09:00-10:00", one a line. */
export function parseExceptions(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^(\d{4}-\d{2}-\d{2}|[^\s:]+)\s*:?\s*(.*)$/.exec(l);
      return { date: m[1], hours: parseHours(m[2]) };
    });
}
const showExceptions = (list) => (list || []).map((e) => e.date + ': ' + (e.hours.length ? showHours(e.hours) : 'off')).join('\n');

function when(iso, timeZone) {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return f.format(new Date(iso)) + ' (' + timeZone + ')';
}

export function renderScheduling(container, { toast }) {
  const body = h('div', { class: 'team scheduling', id: 'scheduling' });
  mount(container, body);
  let recruiters = [];
  let selected = null; // recruiter id being edited, or null for a new one
  let filter = '';

  const card = (title, id, ...content) => h('section', { class: 'card', id }, h('h3', { class: 'card__title' }, title), ...content);

  async function load() {
    try {
      recruiters = (await rest('/scheduling/recruiters')).recruiters;
      const interviews = (await rest('/scheduling/interviews' + (filter ? '?recruiterId=' + encodeURIComponent(filter) : ''))).interviews;
      mount(body, editor(), upcoming(interviews));
    } catch (err) {
      mount(body, h('p', { class: 'form-error' }, err.message));
    }
  }

  function editor() {
    const r = recruiters.find((x) => x.id === selected) || null;
    const pick = h(
      'select',
      { id: 'recruiter-pick', 'aria-label': 'Recruiter', onchange: () => ((selected = pick.value || null), void load()) },
      h('option', { value: '' }, 'New recruiter…'),
      recruiters.map((x) => h('option', { value: x.id, selected: x.id === selected }, x.name + ' (' + x.id + ')')),
    );
    const field = (label, input) => h('label', { class: 'scheduling__field' }, h('span', {}, label), input);
    const id = h('input', { id: 'recruiter-id', value: r ? r.id : '', readonly: Boolean(r), required: true, pattern: '[A-Za-z0-9_.\\-]{1,64}', placeholder: 'rita' });
    const name = h('input', { id: 'recruiter-name', value: r ? r.name : '', required: true, placeholder: 'Rita Alves' });
    const email = h('input', { id: 'recruiter-email', type: 'email', value: r && r.email ? r.email : '', placeholder: 'rita@company.com' });
    const zones = h('datalist', { id: 'time-zones' }, Intl.supportedValuesOf('timeZone').map((z) => h('option', { value: z })));
    const zone = h('input', { id: 'recruiter-zone', list: 'time-zones', value: r ? r.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone, required: true });
    const days = DAYS.map(([key, label]) => [key, h('input', { id: 'hours-' + key, value: r ? showHours(r.weekly[key]) : '', placeholder: 'off, or 09:00-12:00, 14:00-17:00', 'aria-label': label + ' hours' })]);
    const exceptions = h('textarea', { id: 'recruiter-exceptions', rows: 3, placeholder: '2026-03-17: off\n2026-03-19: 09:00-10:00', 'aria-label': 'Exceptions' });
    exceptions.value = r ? showExceptions(r.exceptions) : '';
    const save = async (e) => {
      e.preventDefault();
      const weekly = {};
      for (const [key, input] of days) {
        const hours = parseHours(input.value);
        if (hours.length) weekly[key] = hours;
      }
      const availability = { name: name.value, timeZone: zone.value, weekly, exceptions: parseExceptions(exceptions.value), ...(email.value ? { email: email.value } : {}) };
      try {
        await rest('/scheduling/recruiters/' + encodeURIComponent(id.value), { method: 'PUT', body: availability });
        selected = id.value;
        toast('Availability saved', 'info');
        await load();
      } catch (err) {
        toast(err.message, 'error');
      }
    };
    const remove = async () => {
      try {
        await rest('/scheduling/recruiters/' + encodeURIComponent(r.id), { method: 'DELETE' });
        selected = null;
        await load();
      } catch (err) {
        toast(err.message, 'error');
      }
    };
    return card(
      'Availability',
      'availability-editor',
      h(
        'form',
        { class: 'scheduling__form', onsubmit: (e) => void save(e) },
        field('Recruiter', pick),
        field('Id', id),
        field('Name', name),
        field('Email (for invites)', email),
        field('Time zone', zone),
        zones,
        h('fieldset', { class: 'scheduling__week' }, h('legend', {}, 'Weekly hours (in the recruiter\'s time zone)'), days.map(([key, input]) => field(DAYS.find((d) => d[0] === key)[1], input))),
        field('Exceptions (a date: off, or its hours)', exceptions),
        h('div', {}, h('button', { class: 'btn btn--primary', type: 'submit', id: 'availability-save' }, 'Save availability'), r ? h('button', { class: 'btn btn--ghost', type: 'button', id: 'recruiter-delete', onclick: () => void remove() }, 'Remove recruiter') : null),
      ),
    );
  }

  function upcoming(interviews) {
    const zoneOf = (rid) => (recruiters.find((x) => x.id === rid) || {}).timeZone || 'UTC';
    const nameOf = (rid) => (recruiters.find((x) => x.id === rid) || {}).name || rid;
    const pick = h(
      'select',
      { id: 'interviews-recruiter', 'aria-label': 'Interviews of', onchange: () => ((filter = pick.value), void load()) },
      h('option', { value: '' }, 'Every recruiter'),
      recruiters.map((x) => h('option', { value: x.id, selected: x.id === filter }, x.name)),
    );
    const rows = interviews.map((i) =>
      h(
        'tr',
        { class: 'interview-row', dataset: { conversationId: i.conversationId, recruiterId: i.recruiterId } },
        h('td', {}, when(i.start, zoneOf(i.recruiterId))),
        h('td', {}, h('a', { href: '#/conversations/' + encodeURIComponent(i.conversationId) }, i.candidateName || 'Candidate')),
        h('td', {}, nameOf(i.recruiterId)),
      ),
    );
    return card(
      'Upcoming interviews',
      'upcoming-interviews',
      pick,
      interviews.length
        ? h('div', { class: 'team-scroll' }, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Candidate'), h('th', {}, 'Recruiter'))), h('tbody', {}, rows)))
        : h('p', { class: 'muted', id: 'no-interviews' }, 'No interviews booked.'),
    );
  }

  void load();
  return { load };
}
