import { currentSession, expireSession } from '../api.js';
import { h, mount } from '../dom.js';
import { icon, shortTime } from '../format.js';

// The public API (operator-console/api, OpenAPI at /api/v1/openapi.json) with the operator's token.
const BASE = '/api/public/v1';
// The webhook event names come from the API's own OpenAPI document (the WebhookSubscription
// schema's enum, operator-console/api/schemas.ts), so the console offers exactly what the API takes.
let eventNames;
function webhookEvents() {
  eventNames ??= fetch(BASE + '/openapi.json')
    .then((res) => res.json())
    .then((doc) => doc.components.schemas.WebhookSubscription.properties.events.items.enum)
    .catch((err) => {
      eventNames = undefined;
      throw err;
    });
  return eventNames;
}

async function call(path, { method = 'GET', body } = {}) {
  const s = currentSession();
  const headers = s ? { authorization: 'Bearer ' + s.token } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    // Problem details (RFC 9457): detail says what went wrong.
    if (res.status === 401) expireSession(data && data.detail);
    throw new Error((data && (data.detail + (data.errors ? ': ' + data.errors.join('; ') : ''))) || 'Request failed (' + res.status + ')');
  }
  return data;
}

const when = (iso) => (iso ? shortTime(iso) : '—');

/**
 * Integrations (admins): API keys (created here, shown once, revocable, last use shown) and
 * webhook subscriptions with their delivery log (response code, resend).
 */
export function renderIntegrations(container) {
  const keysBox = h('section', { class: 'card', id: 'api-keys' });
  const hooksBox = h('section', { class: 'card', id: 'webhooks' });
  const log = h('section', { class: 'card', id: 'webhook-deliveries', hidden: true });
  const dataBox = h('section', { class: 'card', id: 'candidate-data' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  mount(
    container,
    h(
      'div',
      { class: 'dash' },
      h('div', { class: 'dash__head' }, h('h2', { class: 'pane-title' }, 'Integrations'), h('a', { href: '/api/docs', target: '_blank', rel: 'noopener' }, 'API reference')),
      error,
      h('div', { class: 'dash__body' }, keysBox, hooksBox, log, dataBox),
    ),
  );

  function fail(err) {
    error.textContent = err.message;
    error.hidden = false;
  }

  async function loadKeys() {
    const { data } = await call('/api-keys');
    const name = h('input', { type: 'text', name: 'name', placeholder: 'Name (e.g. ATS sync)', required: true, maxlength: 100 });
    const scope = h('select', { name: 'scope' }, ['read', 'write', 'admin'].map((s) => h('option', { value: s }, s)));
    const shown = h('p', { class: 'secret-once', hidden: true });
    const form = h(
      'form',
      {
        class: 'inline-form',
        onsubmit: (e) => {
          e.preventDefault();
          call('/api-keys', { method: 'POST', body: { name: name.value, scope: scope.value } })
            .then((created) => loadKeys().then(() => showOnce(keysBox, 'New key (copy it now: it is not shown again): ', created.key)))
            .catch(fail);
        },
      },
      name,
      scope,
      h('button', { class: 'btn', type: 'submit' }, 'Create key'),
    );
    mount(
      keysBox,
      h('h3', {}, 'API keys'),
      shown,
      data.length === 0
        ? h('p', { class: 'empty' }, 'No API keys yet.')
        : h(
            'table',
            { class: 'table' },
            h('thead', {}, h('tr', {}, ['Name', 'Scope', 'Key', 'Created', 'Last used', ''].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              data.map((k) =>
                h(
                  'tr',
                  { dataset: { keyId: k.id } },
                  h('td', {}, k.name),
                  h('td', {}, k.scope),
                  h('td', {}, h('code', {}, k.prefix + '…')),
                  h('td', {}, when(k.createdAt)),
                  h('td', {}, when(k.lastUsedAt)),
                  h(
                    'td',
                    {},
                    k.revokedAt
                      ? 'Revoked ' + when(k.revokedAt)
                      : h('button', { class: 'btn btn--ghost', type: 'button', onclick: () => window.confirm('Revoke ' + k.name + '? It stops working at once.') && call('/api-keys/' + k.id, { method: 'DELETE' }).then(loadKeys).catch(fail) }, 'Revoke'),
                  ),
                ),
              ),
            ),
          ),
      form,
    );
  }

  async function loadHooks() {
    const [{ data }, events] = await Promise.all([call('/webhooks'), webhookEvents()]);
    const url = h('input', { type: 'url', name: 'url', placeholder: 'https://ats.example.com/parley', required: true });
    const boxes = events.map((e) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: e, checked: e === 'interview.completed' }), e));
    const form = h(
      'form',
      {
        class: 'inline-form',
        onsubmit: (ev) => {
          ev.preventDefault();
          const events = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
          call('/webhooks', { method: 'POST', body: { url: url.value, events } })
            .then((created) => loadHooks().then(() => showOnce(hooksBox, 'Signing secret (copy it now: it is not shown again): ', created.secret)))
            .catch(fail);
        },
      },
      url,
      h('div', { class: 'checks' }, boxes),
      h('button', { class: 'btn', type: 'submit' }, 'Add subscription'),
    );
    mount(
      hooksBox,
      h('h3', {}, 'Webhooks'),
      h('p', { class: 'muted' }, 'Each request is signed: Parley-Signature: t=<unix>,v1=<HMAC-SHA256 of t + "." + body>.'),
      data.length === 0
        ? h('p', { class: 'empty' }, 'No subscriptions yet.')
        : h(
            'table',
            { class: 'table' },
            h('thead', {}, h('tr', {}, ['URL', 'Events', 'Active', ''].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              data.map((s) =>
                h(
                  'tr',
                  { dataset: { subscriptionId: s.id } },
                  h('td', {}, h('code', {}, s.url)),
                  h('td', {}, s.events.join(', ')),
                  h('td', {}, h('input', { type: 'checkbox', checked: s.active, 'aria-label': 'Active', onchange: (e) => call('/webhooks/' + s.id, { method: 'PATCH', body: { active: e.target.checked } }).catch(fail) })),
                  h(
                    'td',
                    {},
                    h('button', { class: 'btn btn--ghost', type: 'button', onclick: () => void loadDeliveries(s).catch(fail) }, 'Deliveries'),
                    h('button', { class: 'btn btn--ghost', type: 'button', onclick: () => window.confirm('Delete this subscription?') && call('/webhooks/' + s.id, { method: 'DELETE' }).then(loadHooks).catch(fail) }, 'Delete'),
                  ),
                ),
              ),
            ),
          ),
      form,
    );
  }

  async function loadDeliveries(sub) {
    const { data } = await call('/webhooks/' + sub.id + '/deliveries');
    log.hidden = false;
    mount(
      log,
      h('h3', {}, 'Deliveries to ', h('code', {}, sub.url)),
      h('button', { class: 'btn btn--ghost', type: 'button', onclick: () => void loadDeliveries(sub).catch(fail) }, icon('refresh', 16), h('span', {}, 'Refresh')),
      data.length === 0
        ? h('p', { class: 'empty' }, 'Nothing sent yet.')
        : h(
            'table',
            { class: 'table' },
            h('thead', {}, h('tr', {}, ['Event', 'Event id', 'Status', 'Code', 'Attempts', 'Created', ''].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              data.map((d) =>
                h(
                  'tr',
                  { dataset: { deliveryId: d.id } },
                  h('td', {}, d.eventType),
                  h('td', {}, h('code', {}, d.eventId)),
                  h('td', { title: d.lastError || '' }, d.status),
                  h('td', {}, d.lastStatusCode === undefined ? '—' : String(d.lastStatusCode)),
                  h('td', {}, String(d.attempts)),
                  h('td', {}, when(d.createdAt)),
                  h('td', {}, h('button', { class: 'btn btn--ghost', type: 'button', onclick: () => call('/webhooks/' + sub.id + '/deliveries/' + d.id + '/resend', { method: 'POST' }).then(() => loadDeliveries(sub)).catch(fail) }, 'Resend')),
                ),
              ),
            ),
          ),
    );
  }

  function showOnce(box, label, secret) {
    const p = box.querySelector('.secret-once') || h('p', { class: 'secret-once' });
    mount(p, label, h('code', { class: 'secret-once__value' }, secret));
    p.hidden = false;
    if (!p.isConnected) box.insertBefore(p, box.children[1] || null);
  }

  function renderData() {
    const id = h('input', { type: 'text', name: 'candidateId', placeholder: 'Candidate id (cand_...)', required: true });
    const done = h('p', { class: 'muted', role: 'status' });
    const exportZip = async () => {
      const s = currentSession();
      const res = await fetch(BASE + '/candidates/' + encodeURIComponent(id.value.trim()) + '/export', { headers: s ? { authorization: 'Bearer ' + s.token } : {} });
      if (!res.ok) throw new Error((await res.json()).detail || 'Export failed (' + res.status + ')');
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: 'parley-candidate-' + id.value.trim() + '.zip', hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      done.textContent = 'Exported.';
    };
    mount(
      dataBox,
      h('h3', {}, 'Candidate data'),
      h('p', { class: 'muted' }, 'Export everything Parley holds on a candidate (profile, messages, transcripts, assessment, events, audio) as a zip, or erase their personal data. Both are audited.'),
      h(
        'form',
        { class: 'inline-form', onsubmit: (e) => (e.preventDefault(), void exportZip().catch(fail)) },
        id,
        h('button', { class: 'btn', type: 'submit' }, 'Export zip'),
        h(
          'button',
          {
            class: 'btn btn--ghost',
            type: 'button',
            onclick: () =>
              id.value.trim() &&
              window.confirm('Erase the personal data of ' + id.value.trim() + '? This cannot be undone.') &&
              call('/candidates/' + encodeURIComponent(id.value.trim()), { method: 'DELETE' })
                .then(() => (done.textContent = 'Erasure requested: it is carried out now; the audit entry stays.'))
                .catch(fail),
          },
          'Erase',
        ),
      ),
      done,
    );
  }

  async function load() {
    error.hidden = true;
    renderData();
    await Promise.all([loadKeys(), loadHooks()]).catch(fail);
  }
  void load();
  return { load };
}
