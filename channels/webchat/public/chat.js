// Parley web chat client. Follows channels/webchat/contract.ts. Message text is only ever set
// with textContent, so candidate or operator text can never inject HTML.
(function () {
  'use strict';
  var STORAGE_KEY = 'parley.webchat.sessionId';
  var log = document.getElementById('log');
  var statusEl = document.getElementById('status');
  var typingEl = document.getElementById('typing');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var errorEl = document.getElementById('error');
  var seen = new Map(); // message id -> element
  var typingTimer = null;

  // The session secret: it never leaves this browser except to Parley's own socket.
  var sessionId = readSession();

  function readSession() {
    try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
  }

  // Read on every (re)connect, so a secret the server replaced is the one sent next time.
  var socket = io('/webchat', {
    auth: function (cb) { cb(sessionId ? { sessionId: sessionId } : {}); },
    transports: ['websocket', 'polling'],
  });

  function setStatus(kind, label) {
    statusEl.className = 'status status--' + kind;
    statusEl.textContent = label;
  }

  function showError(text) {
    errorEl.textContent = text;
    errorEl.hidden = !text;
  }

  var AUTHOR_LABEL = { bot: 'Parley', operator: 'Recruiter', system: 'Parley' };

  function render(m, opts) {
    var li = document.createElement('li');
    li.className = 'msg msg--' + m.author + (opts && opts.pending ? ' msg--pending' : '');
    if (AUTHOR_LABEL[m.author]) {
      var who = document.createElement('span');
      who.className = 'msg__author';
      who.textContent = AUTHOR_LABEL[m.author];
      li.appendChild(who);
    }
    var body = document.createElement('span');
    body.className = 'msg__text';
    body.textContent = m.text;
    li.appendChild(body);
    if (m.choices && m.choices.length) {
      var box = document.createElement('div');
      box.className = 'choices';
      m.choices.forEach(function (c) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = c.label;
        b.addEventListener('click', function () { sendText(c.label); });
        box.appendChild(b);
      });
      li.appendChild(box);
    }
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function add(m) {
    if (seen.has(m.id)) return;
    seen.set(m.id, render(m));
    if (m.author !== 'candidate') hideTyping();
  }

  function hideTyping() {
    typingEl.hidden = true;
    clearTimeout(typingTimer);
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function sendText(text) {
    text = String(text || '').trim();
    if (!text) return;
    showError('');
    var li = render({ author: 'candidate', text: text }, { pending: true });
    // Emits are buffered while offline and sent on reconnect; the id makes a resend harmless.
    socket.timeout(30000).emit('message', { text: text, clientMessageId: newId() }, function (err, ack) {
      if (err || !ack || !ack.ok) {
        li.classList.add('msg--failed');
        showError(err ? 'Not delivered yet: connection problem. Please try again.' : (ack && ack.error) || 'Message not accepted.');
        return;
      }
      li.classList.remove('msg--pending');
      seen.set(ack.id, li);
    });
  }

  socket.on('connect', function () { setStatus('online', 'Online'); showError(''); });
  socket.on('disconnect', function (reason) {
    setStatus(reason === 'io client disconnect' ? 'offline' : 'reconnecting', reason === 'io client disconnect' ? 'Offline' : 'Reconnecting…');
  });
  socket.io.on('reconnect_attempt', function () { setStatus('reconnecting', 'Reconnecting…'); });
  socket.io.on('reconnect_failed', function () { setStatus('offline', 'Offline'); });
  socket.on('connect_error', function () { setStatus('reconnecting', 'Reconnecting…'); });

  socket.on('session', function (s) {
    sessionId = s.sessionId;
    // Kept across page loads once the chat has started (the first message creates it server-side).
    if (!s.conversationId) return;
    try { localStorage.setItem(STORAGE_KEY, s.sessionId); } catch { /* private mode: session lasts the tab */ }
  });
  socket.on('history', function (messages) {
    // On reconnect the server sends the full history again; keep what we have and add the rest.
    var pending = Array.prototype.slice.call(log.querySelectorAll('.msg--pending'));
    log.textContent = '';
    seen.clear();
    messages.forEach(add);
    pending.forEach(function (li) { log.appendChild(li); });
  });
  socket.on('message', add);
  socket.on('typing', function () {
    typingEl.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 8000);
  });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    sendText(input.value);
    input.value = '';
    input.focus();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  input.focus();
})();
