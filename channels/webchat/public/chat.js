// Parley web chat client. Follows channels/webchat/contract.ts. Message text is only ever set
// with textContent, so candidate or operator text can never inject HTML.
// Inside the widget (?embed=1) it talks to widget.js with postMessage: branding, new messages
// (for the unread badge and preview) and close/minimise; the widget tells it when it is shown.
(function () {
  'use strict';
  var STORAGE_KEY = 'parley.webchat.sessionId';
  var params = new window.URLSearchParams(location.search);
  var embedded = params.get('embed') === '1' && window.parent !== window;
  var role = (params.get('role') || '').slice(0, 80);
  var $ = function (id) { return document.getElementById(id); };
  var log = $('log');
  var statusEl = $('status');
  var typingText = $('typing-text');
  var form = $('composer');
  var input = $('input');
  var errorEl = $('error');
  var seen = new Map(); // message id -> element
  var outbox = []; // candidate messages not yet accepted: { text, id, li, state, attempt }
  var typingTimer = null;
  var brand = { companyName: 'Parley', greeting: '', availability: '', accentColor: '' };
  var greetingEl = null;
  var shown = !embedded; // whether the candidate can see the chat (the widget may be closed)

  if (embedded) document.documentElement.classList.add('embed');

  // The session secret: it never leaves this browser except to Parley's own socket.
  var sessionId = readSession();
  function readSession() {
    try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
  }

  // Read on every (re)connect, so a secret the server replaced is the one sent next time.
  var socket = io('/webchat', {
    auth: function (cb) { cb(sessionId ? { sessionId: sessionId } : {}); },
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 4000,
  });

  function toParent(msg) {
    // The parent is a careers site allowed by WEBCHAT_FRAME_ANCESTORS (the browser enforces it).
    if (embedded) window.parent.postMessage(Object.assign({ parley: true }, msg), '*');
  }

  function setStatus(kind, label) {
    statusEl.className = 'status status--' + kind;
    statusEl.textContent = label;
  }

  function showError(text) {
    errorEl.textContent = text;
    errorEl.hidden = !text;
  }

  // White or near-black text, whichever reads better on the accent colour.
  function textOn(hex) {
    var h = hex.replace('#', '');
    if (h.length === 3) h = h.split('').map(function (c) { return c + c; }).join('');
    var lin = [0, 2, 4].map(function (i) {
      var c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    return (1.05) / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111111';
  }

  function applyBranding(b) {
    brand = b;
    var root = document.documentElement.style;
    if (/^#[0-9a-f]{3}(?:[0-9a-f]{3})?$/i.test(b.accentColor)) {
      root.setProperty('--brand', b.accentColor);
      root.setProperty('--on-brand', textOn(b.accentColor));
    }
    document.title = 'Chat with ' + b.companyName;
    $('company').textContent = b.companyName;
    $('availability').textContent = b.availability || '';
    var avatar = $('avatar');
    avatar.textContent = '';
    if (b.logoUrl) {
      var img = document.createElement('img');
      img.src = b.logoUrl;
      img.alt = '';
      avatar.appendChild(img);
    } else {
      avatar.textContent = initials(b.companyName);
    }
    input.placeholder = 'Message ' + b.companyName + '…';
    renderGreeting();
    toParent({ type: 'branding', companyName: b.companyName, accentColor: b.accentColor, onAccent: textOn(b.accentColor || '#2f4ae0') });
  }

  function initials(name) {
    return String(name).split(/\s+/).filter(Boolean).slice(0, 2).map(function (w) { return w[0].toUpperCase(); }).join('') || 'P';
  }

  // The greeting is always the first bubble; it is not a stored message.
  function renderGreeting() {
    if (greetingEl) greetingEl.remove();
    greetingEl = null;
    if (!brand.greeting) return;
    var text = brand.greeting + (role ? '\n\nInterested in the ' + role + ' role? Say hi and I will take you through it.' : '');
    greetingEl = render({ author: 'bot', text: text, createdAt: new Date().toISOString() });
    greetingEl.classList.add('msg--greeting');
    log.prepend(greetingEl);
  }

  function timeOf(iso) {
    var d = iso ? new Date(iso) : new Date();
    var t = document.createElement('time');
    t.dateTime = d.toISOString();
    t.textContent = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    t.title = d.toLocaleString();
    return t;
  }

  function authorLabel(m) {
    if (m.author === 'operator') return (m.authorName ? m.authorName + ' · ' : '') + 'Recruiter';
    if (m.author === 'bot' || m.author === 'system') return brand.companyName;
    return '';
  }

  function render(m) {
    var li = document.createElement('li');
    if (m.notice) {
      li.className = 'notice';
      li.textContent = m.text;
      log.appendChild(li);
      log.scrollTop = log.scrollHeight;
      return li;
    }
    li.className = 'msg msg--' + m.author;
    var label = authorLabel(m);
    var who = document.createElement('span');
    who.className = label ? 'msg__author' : 'visually-hidden';
    who.textContent = label || 'You';
    if (m.author === 'operator') {
      // The recruiter's initials as their avatar (the console has no profile pictures).
      var face = document.createElement('span');
      face.className = 'msg__avatar';
      face.setAttribute('aria-hidden', 'true');
      face.textContent = m.authorName ? initials(m.authorName) : 'R';
      who.prepend(face);
    }
    li.appendChild(who);
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
    var meta = document.createElement('span');
    meta.className = 'msg__meta';
    meta.appendChild(timeOf(m.createdAt));
    li.appendChild(meta);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function add(m, live) {
    if (seen.has(m.id)) return;
    seen.set(m.id, render(m));
    if (m.author !== 'candidate') {
      hideTyping();
      if (live) toParent({ type: 'message', author: m.author, name: m.authorName || brand.companyName, preview: m.text.slice(0, 140) });
    }
  }

  function hideTyping() {
    typingText.hidden = true;
    typingText.textContent = '';
    clearTimeout(typingTimer);
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // Delivery state under a candidate message: sending, queued (offline), sent, or failed + Retry.
  function setState(entry, state, detail) {
    entry.state = state;
    var meta = entry.li.querySelector('.msg__meta');
    var old = meta.querySelector('.msg__state');
    if (old) old.remove();
    var oldRetry = meta.querySelector('.msg__retry');
    if (oldRetry) oldRetry.remove();
    var s = document.createElement('span');
    s.className = 'msg__state';
    s.textContent = { sending: 'Sending…', queued: 'Waiting for connection', sent: 'Sent', failed: 'Not sent' }[state];
    meta.appendChild(s);
    entry.li.classList.toggle('msg--failed', state === 'failed');
    entry.li.dataset.state = state;
    if (state === 'failed') {
      var retry = document.createElement('button');
      retry.type = 'button';
      retry.className = 'msg__retry';
      retry.textContent = 'Retry';
      retry.setAttribute('aria-label', 'Retry sending: ' + entry.text.slice(0, 60));
      retry.addEventListener('click', function () {
        setState(entry, 'queued');
        flush();
        input.focus();
      });
      meta.appendChild(retry);
      showError(detail || 'Your message was not sent. Press Retry to send it again.');
    }
  }

  // Send what is queued, once connected. The same clientMessageId is reused on every attempt, so
  // the server keeps one copy however many times a message is resent.
  function flush() {
    if (!socket.connected) return;
    outbox.forEach(function (entry) {
      if (entry.state !== 'queued') return;
      setState(entry, 'sending');
      var attempt = ++entry.attempt;
      socket.timeout(20000).emit('message', { text: entry.text, clientMessageId: entry.id }, function (err, ack) {
        if (attempt !== entry.attempt || entry.state !== 'sending') return; // superseded by a reconnect
        if (err) {
          if (socket.connected) setState(entry, 'failed', 'Not delivered yet: connection problem. Press Retry.');
          else setState(entry, 'queued');
          return;
        }
        if (!ack || !ack.ok) {
          setState(entry, 'failed', (ack && ack.error) || 'Message not accepted.');
          return;
        }
        outbox.splice(outbox.indexOf(entry), 1);
        var shownAlready = seen.get(ack.id);
        if (shownAlready && shownAlready !== entry.li) {
          entry.li.remove(); // the history already has it (it arrived before the connection dropped)
          return;
        }
        setState(entry, 'sent');
        seen.set(ack.id, entry.li);
      });
    });
  }

  function sendText(text) {
    text = String(text || '').trim();
    if (!text) return;
    showError('');
    var entry = { text: text, id: newId(), li: render({ author: 'candidate', text: text }), state: 'queued', attempt: 0 };
    outbox.push(entry);
    setState(entry, 'queued');
    flush();
  }

  socket.on('connect', function () {
    setStatus('online', 'Online');
    showError('');
    flush();
  });
  socket.on('disconnect', function (reason) {
    var byUs = reason === 'io client disconnect';
    setStatus(byUs ? 'offline' : 'reconnecting', byUs ? 'Offline' : 'Reconnecting…');
    // Whatever was on its way is sent again on reconnect (the id makes that harmless).
    outbox.forEach(function (entry) { if (entry.state === 'sending') setState(entry, 'queued'); });
  });
  socket.io.on('reconnect_attempt', function () { setStatus('reconnecting', 'Reconnecting…'); });
  socket.io.on('reconnect_failed', function () { setStatus('offline', 'Offline'); });
  socket.on('connect_error', function () { setStatus('reconnecting', 'Reconnecting…'); });

  socket.on('branding', applyBranding);
  socket.on('session', function (s) {
    sessionId = s.sessionId;
    // Kept across page loads once the chat has started (the first message creates it server-side).
    if (!s.conversationId) return;
    try { localStorage.setItem(STORAGE_KEY, s.sessionId); } catch { /* private mode: session lasts the tab */ }
  });
  socket.on('history', function (messages) {
    // On reconnect the server sends the full history again; keep what is not sent yet.
    log.textContent = '';
    seen.clear();
    if (greetingEl) log.appendChild(greetingEl);
    messages.forEach(function (m) { add(m, false); });
    outbox.forEach(function (entry) { log.appendChild(entry.li); });
    log.scrollTop = log.scrollHeight;
  });
  socket.on('message', function (m) { add(m, true); });
  socket.on('typing', function (p) {
    if (p && p.typing === false) return hideTyping();
    typingText.textContent = brand.companyName + ' is typing…';
    typingText.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 8000);
  });

  // The candidate's typing, told to the server (best effort): on, then off after a pause or a send.
  var typingOut = false;
  var typingOutTimer = null;
  function typingState(on) {
    clearTimeout(typingOutTimer);
    if (on) typingOutTimer = setTimeout(function () { typingState(false); }, 4000);
    if (on === typingOut || !socket.connected) return;
    typingOut = on;
    socket.emit('typing', { typing: on });
  }
  input.addEventListener('input', function () { typingState(input.value.trim() !== ''); });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    typingState(false);
    sendText(input.value);
    input.value = '';
    input.focus();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  if (embedded) {
    $('close').addEventListener('click', function () { toParent({ type: 'close' }); });
    $('minimise').addEventListener('click', function () { toParent({ type: 'minimise' }); });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') toParent({ type: 'minimise' });
    });
    window.addEventListener('message', function (e) {
      if (e.source !== window.parent || !e.data || e.data.parley !== true) return;
      if (e.data.type === 'shown') {
        shown = !!e.data.open;
        if (shown) input.focus();
      }
    });
    toParent({ type: 'ready' });
  }
  // Voice notes: the recorder (recorder.js) loads on the first tap of the microphone, or when a
  // spoken question arrives (voice replies), so the chat itself stays small.
  window.ParleyChat = { socket: socket, session: function () { return sessionId; }, seen: seen, log: log, showError: showError, timeOf: timeOf };
  var recorderWaiting = null;
  function withRecorder(fn) {
    if (window.ParleyRecorder) return fn(window.ParleyRecorder);
    if (!recorderWaiting) {
      recorderWaiting = [];
      var script = document.createElement('script');
      script.src = '/webchat/recorder.js';
      script.onload = function () { recorderWaiting.forEach(function (f) { f(window.ParleyRecorder); }); recorderWaiting = null; };
      document.head.appendChild(script);
    }
    recorderWaiting.push(fn);
  }
  $('record').addEventListener('click', function () { withRecorder(function (r) { r.toggle(); }); });
  socket.on('voice', function (v) { withRecorder(function (r) { r.play(v); }); });
  socket.on('transcript', function (t) { withRecorder(function (r) { r.transcript(t); }); });

  if (shown) input.focus();
})();
