// The invite page (/console/invite#<token>): choose a name and password, then sign in.
// The token stays in the URL fragment: it never reaches a server log or a referrer.
import { login, request } from './api.js';
import { h } from './dom.js';

const root = document.getElementById('app');
const token = decodeURIComponent(location.hash.slice(1));
const ROLES = { admin: 'an admin', recruiter: 'a recruiter', viewer: 'a viewer' };

function card(...children) {
  root.replaceChildren(
    h(
      'main',
      { class: 'login' },
      h('section', { class: 'login__card', 'aria-labelledby': 'invite-title' }, h('div', { class: 'brand brand--large' }, h('span', { class: 'brand__mark' }, 'P'), h('span', { class: 'brand__name' }, 'Parley')), ...children),
    ),
  );
}

async function show() {
  let invite;
  try {
    invite = (await request('/team/invites/preview', { method: 'POST', body: { token } })).invite;
  } catch (err) {
    card(h('h1', { id: 'invite-title' }, 'This link does not work'), h('p', { class: 'form-error', id: 'invite-error', role: 'alert' }, err.message));
    return;
  }
  const name = h('input', { id: 'invite-name', type: 'text', autocomplete: 'name', required: true, maxlength: 100, value: invite.name || '' });
  const password = h('input', { id: 'invite-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { class: 'btn btn--primary btn--block', type: 'submit', id: 'invite-submit' }, 'Join and sign in');
  card(
    h('h1', { id: 'invite-title' }, 'Join the recruiting team'),
    h('p', { class: 'muted', id: 'invite-for' }, 'You were invited as ' + (ROLES[invite.role] || invite.role) + ' with ' + invite.email + '.'),
    h(
      'form',
      { class: 'login__form', onsubmit: (e) => void accept(e) },
      h('label', { for: 'invite-name' }, 'Your name (candidates see it when you join a chat)'),
      name,
      h('label', { for: 'invite-password' }, 'Choose a password (at least 8 characters)'),
      password,
      error,
      submit,
    ),
  );
  name.focus();

  async function accept(e) {
    e.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    try {
      await request('/team/invites/accept', { method: 'POST', body: { token, name: name.value, password: password.value } });
      await login(invite.email, password.value);
      location.replace('/console');
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      submit.disabled = false;
    }
  }
}

void show();
