import { login } from '../api.js';
import { h } from '../dom.js';

/** The sign-in screen. `onSignedIn(session)` runs after a successful login. */
export function renderLogin(root, { onSignedIn, message }) {
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true, placeholder: 'you@company.com' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: !message }, message || '');
  const submit = h('button', { class: 'btn btn--primary btn--block', type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'login__form', onsubmit: (e) => void attempt(e) },
    h('label', { for: 'email' }, 'Email'),
    email,
    h('label', { for: 'password' }, 'Password'),
    password,
    error,
    submit,
  );

  async function attempt(e) {
    e.preventDefault();
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    error.hidden = true;
    try {
      onSignedIn(await login(email.value, password.value));
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      submit.disabled = false;
      submit.textContent = 'Sign in';
      password.select();
    }
  }

  root.replaceChildren(
    h(
      'main',
      { class: 'login' },
      h(
        'section',
        { class: 'login__card', 'aria-labelledby': 'login-title' },
        h('div', { class: 'brand brand--large' }, h('span', { class: 'brand__mark' }, 'P'), h('span', { class: 'brand__name' }, 'Parley')),
        h('h1', { id: 'login-title' }, 'Operator console'),
        h('p', { class: 'muted' }, 'Sign in to watch conversations live, take over and talk to candidates.'),
        form,
      ),
    ),
  );
  email.focus();
}
