// Team management for admins (REST /team): invite by email (a one-time link, emailed when the
// email channel is on, otherwise shown to copy), rename, change role, deactivate / reactivate.
import { request as rest } from '../api.js';
import { h, mount } from '../dom.js';
import { shortTime } from '../format.js';
import { state } from '../state.js';

const ROLES = ['admin', 'recruiter', 'viewer'];

export function renderTeam(container, { toast }) {
  const body = h('div', { class: 'team', id: 'team' });
  mount(container, body);
  let lastLink = null;

  async function load() {
    try {
      const team = await rest('/team');
      mount(body, inviteForm(), lastLink, card('Operators', members(team.operators)), team.invites.length ? card('Open invitations', invites(team.invites)) : null);
    } catch (err) {
      mount(body, h('p', { class: 'form-error' }, err.message));
    }
  }

  function card(title, content) {
    return h('section', { class: 'card' }, h('h3', { class: 'card__title' }, title), content);
  }

  function inviteForm() {
    const email = h('input', { id: 'invite-email', type: 'email', placeholder: 'name@company.com', 'aria-label': 'Email to invite', required: true });
    const role = h('select', { id: 'invite-role', 'aria-label': 'Role' }, ROLES.map((r) => h('option', { value: r, selected: r === 'recruiter' }, r)));
    const send = async (e) => {
      e.preventDefault();
      try {
        const r = await rest('/team/invites', { method: 'POST', body: { email: email.value, role: role.value } });
        const link = h('input', { id: 'invite-link', readonly: true, value: r.url, 'aria-label': 'Invite link', class: 'inbox-input' });
        lastLink = h(
          'div',
          { class: 'team__link', id: 'invite-result', role: 'status' },
          h('span', {}, r.emailed ? 'Invitation emailed to ' + r.invite.email + '. The link, if you want to pass it on yourself:' : 'No email channel is set up: send ' + r.invite.email + ' this one-time link.'),
          link,
          h('button', { class: 'btn btn--small', type: 'button', id: 'copy-invite', onclick: () => void copy(r.url) }, 'Copy link'),
        );
        await load();
      } catch (err) {
        toast(err.message, 'error');
      }
    };
    return card('Invite a team member', h('form', { class: 'team__invite', onsubmit: (e) => void send(e) }, email, role, h('button', { class: 'btn btn--primary', type: 'submit', id: 'invite-send' }, 'Invite')));
  }

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      toast('Link copied', 'info');
    } catch {
      const el = document.getElementById('invite-link');
      if (el) el.select();
    }
  }

  function members(operators) {
    return h(
      'div',
      { class: 'team-scroll' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Display name'), h('th', {}, 'Email'), h('th', {}, 'Role'), h('th', {}, 'Status'))),
        h('tbody', {}, operators.map(member)),
      ),
    );
  }

  function member(o) {
    const self = o.id === state.operator.id;
    const patch = async (change) => {
      try {
        await rest('/team/operators/' + encodeURIComponent(o.id), { method: 'PATCH', body: change });
        toast('Saved', 'info');
        await load();
      } catch (err) {
        toast(err.message, 'error');
        await load();
      }
    };
    const name = h('input', { value: o.name, maxlength: 100, 'aria-label': 'Display name of ' + o.email, class: 'member__name' });
    name.addEventListener('change', () => void patch({ name: name.value }));
    const role = h('select', { 'aria-label': 'Role of ' + o.email, class: 'member__role', disabled: self, onchange: () => void patch({ role: role.value }) }, ROLES.map((r) => h('option', { value: r, selected: r === o.role }, r)));
    const toggle = self
      ? h('span', { class: 'muted' }, 'You')
      : h('button', { class: 'btn btn--small' + (o.active ? ' btn--ghost' : ''), type: 'button', onclick: () => void patch({ active: !o.active }) }, o.active ? 'Deactivate' : 'Reactivate');
    return h(
      'tr',
      { class: 'member' + (o.active ? '' : ' member--inactive'), dataset: { email: o.email, active: String(o.active) } },
      h('td', {}, name),
      h('td', {}, o.email),
      h('td', {}, role),
      h('td', {}, o.active ? null : h('span', { class: 'badge' }, 'Deactivated '), toggle, o.lastLoginAt ? h('span', { class: 'muted' }, ' · last sign-in ' + shortTime(o.lastLoginAt)) : null),
    );
  }

  function invites(list) {
    return h(
      'ul',
      { class: 'notifications__list' },
      list.map((i) =>
        h(
          'li',
          { class: 'invite', dataset: { email: i.email } },
          i.email + ' (' + i.role + '), until ' + new Date(i.expiresAt).toLocaleDateString() + ' ',
          h('button', { class: 'btn btn--ghost btn--small', type: 'button', onclick: () => void revoke(i.id) }, 'Revoke'),
        ),
      ),
    );
  }

  async function revoke(id) {
    try {
      await rest('/team/invites/' + encodeURIComponent(id), { method: 'DELETE' });
      await load();
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  void load();
  return { load };
}
