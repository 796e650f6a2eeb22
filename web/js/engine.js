// The bridge to the worker that runs the wasm module: creates the worker from its source
// (PE.workerSource, made by scripts/bundle_web.js), carries the page's requests (call) and the
// worker's run events, and says when the first module has started (PE.engine.ready resolves; it
// rejects when the module cannot start). When the module fails for good (it aborted, ran out of
// memory, or a C++ exception escaped it) the worker says so ("fatal"), or dies: it is replaced by a
// fresh one, every request waiting on it fails with the reason in words, and the page is told
// (onFailure) so that a run in progress ends and the loaded file, which lived in the old worker, is
// dropped. Defines PE.engine.
'use strict';
(function (PE) {
  const { MESSAGE } = PE.protocol;
  const workerUrl = URL.createObjectURL(new Blob([PE.workerSource], { type: 'text/javascript' }));
  let worker = null;
  let workerReady = false;   // the module of this worker has started (so a fresh one can start too)
  let nextId = 1;
  const pending = new Map();
  let startup = null;        // {resolve, reject} of ready, until the first module has started
  const ready = new Promise((resolve, reject) => { startup = { resolve, reject }; });
  ready.catch(() => {});     // a module that cannot start is said by onFailure, or by each request
  const hooks = { event: null, failure: null, progress: null };

  function start() {
    const w = new Worker(workerUrl);
    worker = w;
    workerReady = false;
    w.onmessage = (e) => {
      if (w !== worker) return;
      const m = e.data || {};
      if (m.type === MESSAGE.ready) { workerReady = true; started(); return; }
      if (m.type === MESSAGE.startFailed) { notStarted(new Error(wordsOf(m.error))); return; }
      if (m.type === MESSAGE.event) { hooks.event(m.event); return; }
      if (m.type === MESSAGE.progress) { if (hooks.progress) hooks.progress(m.progress); return; }
      const p = pending.get(m.id);
      if (m.ok) { if (p) { pending.delete(m.id); p.resolve(m.result); } return; }
      const message = wordsOf(m.error);
      if (m.fatal) { fail(message); return; }   // rejects p too
      if (m.startFailed) workerReady = false;
      if (p) { pending.delete(m.id); p.reject(new Error(message)); }
    };
    // An error nothing in the worker caught (e.g. the module aborted inside a network callback).
    w.onerror = (e) => {
      if (w !== worker) return;
      if (e && e.preventDefault) e.preventDefault();
      const detail = String((e && e.message) || '').replace(/^Uncaught\s+/, '').replace(/\. Build with -s ASSERTIONS=1 for more info\.?$/, '')
        .replace(/\b\d{4,}\b/g, '').trim();
      const said = /[A-Za-z]{3}/.test(detail) ? ' (' + detail + ')' : '';
      fail(workerReady
        ? 'The validation engine stopped unexpectedly' + said + ' and was restarted.'
        : 'The validation engine failed to start' + said + '. Reload the page; if it keeps failing, use a current Chrome, Edge or Firefox.');
    };
  }
  // The first module has started (a fresh worker's start resolves nothing more).
  function started() {
    if (!startup) return;
    startup.resolve();
    startup = null;
  }
  function notStarted(err) {
    if (!startup) return;
    startup.reject(err);
    startup = null;
  }

  // A message from the engine as the user reads it: never a bare number or pointer.
  function wordsOf(text) {
    const t = String(text == null ? '' : text);
    return /[A-Za-z]{3}/.test(t) ? t : 'The validation engine failed without saying why. Try again; if it happens again, ' +
      'validate the file with the enrich command-line tool (`enrich validate FILE`), or split it into smaller files.';
  }

  // The module failed for good. context: what was going on, said first ("Sending stopped.").
  function fail(message, context) {
    const wasReady = workerReady;
    if (worker) worker.terminate();
    worker = null;
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) {
      const err = new Error(message);
      err.engine = true;   // said once, by onFailure; a caller's own message may add where it happened
      p.reject(err);
    }
    notStarted(new Error(message));
    hooks.failure(message, context);
    // A worker that never started would fail again the same way: no endless restarts.
    if (wasReady) start();
  }

  // type: a name of PE.protocol.REQUEST. Resolves with the worker's result.
  function call(type, payload, transfer) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      if (!worker) { reject(new Error('The validation engine is not running. Reload the page.')); return; }
      pending.set(id, { resolve, reject });
      worker.postMessage(Object.assign({ id, type }, payload || {}), transfer || []);
    });
  }

  PE.engine = {
    start, call, fail, wordsOf, ready,
    onRunEvent: (fn) => { hooks.event = fn; },
    onFailure: (fn) => { hooks.failure = fn; },
    onProgress: (fn) => { hooks.progress = fn; },
  };
})(window.PE);
