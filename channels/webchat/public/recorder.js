// Voice notes for the Parley chat page, loaded on demand by chat.js (window.ParleyChat).
// Tap the microphone to record (MediaRecorder, Opus), tap again to send: the note is posted to
// /chat/voice with the session secret, shown with an audio player, and its transcript is filled
// in when the server has it. Spoken questions (voice replies) get a player under their text.
(function () {
  'use strict';
  var chat = window.ParleyChat;
  var MAX_SEC = 300;
  var button = document.getElementById('record');
  var current = null; // { recorder, stream, chunks, started, timer }
  var notes = new Map(); // server message id -> transcript element
  var early = new Map(); // transcripts that arrived before the upload's answer

  var DENIED = 'Microphone access was blocked. To send a voice note, allow the microphone for this site in your browser settings (or type your answer).';

  function pickType() {
    var types = ['audio/ogg;codecs=opus', 'audio/webm;codecs=opus', 'audio/webm'];
    for (var i = 0; i < types.length; i++) if (window.MediaRecorder.isTypeSupported(types[i])) return types[i];
    return '';
  }

  function setRecording(on, label) {
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    button.setAttribute('aria-label', label);
    button.title = label;
  }

  function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      chat.showError('This browser cannot record voice notes. Please type your answer.');
      return;
    }
    chat.showError('');
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var type = pickType();
      var recorder = new window.MediaRecorder(stream, type ? { mimeType: type, audioBitsPerSecond: 32000 } : {});
      current = { recorder: recorder, stream: stream, chunks: [], started: Date.now() };
      recorder.ondataavailable = function (e) { if (e.data && e.data.size) current.chunks.push(e.data); };
      recorder.onstop = finish;
      recorder.start();
      setRecording(true, 'Stop recording and send');
      current.timer = setInterval(function () {
        var sec = Math.floor((Date.now() - current.started) / 1000);
        button.title = 'Recording ' + Math.floor(sec / 60) + ':' + String(sec % 60).padStart(2, '0') + ' (tap to send)';
        if (sec >= MAX_SEC) stop();
      }, 500);
    }, function (err) {
      var denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
      chat.showError(denied ? DENIED : 'No microphone could be used (' + (err && err.name) + '). Please type your answer.');
    });
  }

  function stop() {
    if (!current || current.recorder.state === 'inactive') return;
    clearInterval(current.timer);
    current.recorder.stop();
    current.stream.getTracks().forEach(function (t) { t.stop(); });
  }

  function bubble(author, label) {
    var li = document.createElement('li');
    li.className = 'msg msg--' + author;
    var who = document.createElement('span');
    who.className = author === 'candidate' ? 'visually-hidden' : 'msg__author';
    who.textContent = label;
    li.appendChild(who);
    return li;
  }

  function player(blob) {
    var audio = document.createElement('audio');
    audio.controls = true;
    audio.preload = 'metadata';
    audio.src = URL.createObjectURL(blob);
    return audio;
  }

  function finish() {
    var rec = current;
    current = null;
    setRecording(false, 'Record a voice note');
    var blob = new window.Blob(rec.chunks, { type: rec.recorder.mimeType || 'audio/webm' });
    var seconds = (Date.now() - rec.started) / 1000;
    var li = bubble('candidate', 'You (voice note)');
    li.classList.add('msg--voice');
    li.appendChild(player(blob));
    var text = document.createElement('span');
    text.className = 'msg__transcript';
    text.textContent = 'Sending voice note…';
    li.appendChild(text);
    var meta = document.createElement('span');
    meta.className = 'msg__meta';
    meta.appendChild(chat.timeOf(new Date().toISOString()));
    li.appendChild(meta);
    chat.log.appendChild(li);
    chat.log.scrollTop = chat.log.scrollHeight;
    var clientId = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now());
    window.fetch('/chat/voice', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + (chat.session() || ''), 'content-type': blob.type, 'x-duration-sec': seconds.toFixed(1), 'x-client-message-id': 'voice-' + clientId },
      body: blob,
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.error || 'Your voice note was not sent.');
        chat.seen.set(body.id, li);
        text.textContent = 'Transcribing…';
        notes.set(body.id, text);
        if (early.has(body.id)) transcript({ messageId: body.id, text: early.get(body.id) });
      });
    }).catch(function (err) {
      text.textContent = 'Not sent';
      chat.showError(err.message);
    });
  }

  function transcript(t) {
    var el = notes.get(t.messageId);
    if (!el) return early.set(t.messageId, t.text);
    el.textContent = '“' + t.text + '”';
  }

  // A spoken question: a player under the question's text (or on its own if that is not shown).
  function play(v) {
    var blob = new window.Blob([v.audio], { type: v.mime || 'audio/ogg' });
    var li = v.messageId && chat.seen.get(v.messageId);
    var audio = player(blob);
    audio.setAttribute('aria-label', 'Listen to the question');
    if (li) {
      li.insertBefore(audio, li.querySelector('.msg__meta'));
    } else {
      li = bubble('bot', 'Voice note');
      li.appendChild(audio);
      chat.log.appendChild(li);
    }
    chat.log.scrollTop = chat.log.scrollHeight;
  }

  window.ParleyRecorder = {
    toggle: function () { if (current) stop(); else start(); },
    play: play,
    transcript: transcript,
  };
})();
