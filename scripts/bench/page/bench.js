// The benchmark page's main thread. scripts/bench/run.js (Node, playwright-core) calls the functions of
// window.bench one step at a time, so that it can read the browser's memory between steps.
// Ours runs as the page runs it: the worker is made from the page's own worker source
// (PE.workerSource, build/web/enricher-worker.js) through a Blob URL, as web/js/engine.js does, and
// spoken to with the page's protocol (web/js/protocol.js): the File is handed to the worker with
// REQUEST.load, which reads it in slices, as web/js/input.js does, then the page's first view is asked for
// (row count, first rows, problems, batch plan), as web/js/check.js, grid.js and dryrun.js do.
/* global PE */
'use strict';
(function () {
  const { REQUEST, MESSAGE, EVENT, STATE } = PE.protocol;
  let bytes = null;       // the chosen file's bytes (File.arrayBuffer), for the JavaScript parsers
  let workerUrl = null;   // the page's worker + bench/page/worker-extension.js
  let ours = null;        // {worker, pending, onEvent}
  let plan = null;        // the batch plan of the file loaded in ours
  let nextId = 1;

  async function init() {
    const ext = await (await fetch('worker-extension.js')).text();
    workerUrl = URL.createObjectURL(new Blob([PE.workerSource + '\n' + ext], { type: 'text/javascript' }));
    return { workerSourceChars: PE.workerSource.length };
  }

  async function readFile() {
    const file = document.getElementById('file').files[0];
    bytes = null;
    const t0 = performance.now();
    bytes = await file.arrayBuffer();
    return { ms: performance.now() - t0, size: bytes.byteLength, name: file.name };
  }

  function call(type, payload, transfer) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      ours.pending.set(id, { resolve, reject });
      ours.worker.postMessage(Object.assign({ id, type }, payload || {}), transfer || []);
    });
  }

  // A fresh worker (a fresh module, as after a page load). readyMs: new Worker() to the module's
  // "ready" message (fetching nothing: the module is inside the worker source).
  function oursStart() {
    oursStop();
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const w = new Worker(workerUrl);
      ours = { worker: w, pending: new Map(), onEvent: null };
      w.onmessage = (e) => {
        const m = e.data || {};
        if (m.type === MESSAGE.ready) { resolve({ readyMs: performance.now() - t0 }); return; }
        if (m.type === MESSAGE.startFailed) { reject(new Error(m.error)); return; }
        if (m.type === MESSAGE.event) { if (ours.onEvent) ours.onEvent(m.event); return; }
        const p = ours.pending.get(m.id);
        if (!p) return;
        ours.pending.delete(m.id);
        if (m.ok) p.resolve(m.result); else p.reject(new Error(m.error));
      };
      w.onerror = (e) => reject(new Error('worker error: ' + (e && e.message)));
    });
  }
  function oursStop() {
    if (ours) ours.worker.terminate();
    ours = null;
    plan = null;
  }

  // The file as the page loads it, and the page's first view of it.
  async function oursLoad(options) {
    const t0 = performance.now();
    const file = document.getElementById('file').files[0];
    const state = await call(REQUEST.load, { file, options });
    const t1 = performance.now();
    if (!state.ok) throw new Error('ours could not load the file: ' + state.error);
    const count = await call(REQUEST.rows, { filter: 'all', start: 0, count: 0 });
    await call(REQUEST.rows, { filter: 'all', start: 0, count: 30 });
    await call(REQUEST.problems);
    plan = await call(REQUEST.batchPlan);
    const t2 = performance.now();
    const mem = await call('benchMemory');
    return { loadMs: t1 - t0, viewMs: t2 - t1, totalMs: t2 - t0, summary: state.summary, total: count.total,
      batches: plan.length, wasmBytes: mem.wasmBytes };
  }

  // The body of every batch of the plan, in the worker, one after another.
  async function oursBodies() {
    return call('benchBodies', { indices: plan.map((b) => b.index) });
  }

  // A queue run of every batch to a local server that refuses the key (401): the time from asking
  // for the run to the first request leaving (the worker's "sending" event), and to the run's end.
  function oursSendFirst(baseUrl) {
    return new Promise((resolve, reject) => {
      let firstMs = null;
      const t0 = performance.now();
      ours.onEvent = (ev) => {
        if (ev.kind === EVENT.batch && ev.state === STATE.sending && firstMs === null) firstMs = performance.now() - t0;
        if (ev.kind === EVENT.finished) {
          ours.onEvent = null;
          resolve({ firstRequestMs: firstMs, finishedMs: performance.now() - t0, stopReason: ev.stopReason });
        }
      };
      call(REQUEST.send, { baseUrl, apiKey: 'bench-not-a-key', timeoutMs: 30000,
        batches: plan.map((b, i) => ({ id: 'b' + i, index: b.index })) }).catch(reject);
    });
  }

  // One of the JavaScript parsers (or TextDecoder alone) in a fresh worker, from the same bytes.
  function parser(kind) {
    return new Promise((resolve, reject) => {
      const w = new Worker('parsers-worker.js');
      let t0 = 0;
      w.onerror = (e) => { w.terminate(); reject(new Error('parsers worker: ' + (e && e.message))); };
      w.onmessage = (e) => {
        const m = e.data;
        if (m.ready) {
          t0 = performance.now();
          const copy = bytes.slice(0);
          w.postMessage({ kind, bytes: copy }, [copy]);
          return;
        }
        const totalMs = performance.now() - t0;
        w.terminate();
        if (!m.ok) { reject(new Error(kind + ': ' + m.error)); return; }
        resolve(Object.assign({ totalMs }, m));
      };
    });
  }

  // --profile: the profiling build of the module (build/wasm-prof) on this main thread, so that the
  // page's DevTools session can record it (a worker's would need a session of its own).
  let prof = null;
  async function profStart(moduleUrl) {
    await new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = moduleUrl;
      s.onload = resolve;
      s.onerror = () => reject(new Error('could not load ' + moduleUrl));
      document.head.append(s);
    });
    /* global createEnricher */
    const M = await createEnricher();
    prof = { M, session: new M.Session() };
  }
  function profLoad(options) {
    const t0 = performance.now();
    const view = prof.session.input(bytes.byteLength);
    if (typeof view !== 'string') view.set(new Uint8Array(bytes));
    const state = JSON.parse(typeof view === 'string' ? view : prof.session.load(options));
    const plan = JSON.parse(prof.session.batchPlan(false));
    prof.indices = plan.map((b) => b.index);
    return { ms: performance.now() - t0, rows: state.summary && state.summary.rows, batches: plan.length };
  }
  function profBodies() {
    const t0 = performance.now();
    let chars = 0;
    for (const i of prof.indices) {
      const body = prof.session.batchRequestBody(i);
      chars += body.size();
      body.delete();
    }
    return { ms: performance.now() - t0, chars };
  }

  window.bench = { init, readFile, oursStart, oursStop, oursLoad, oursBodies, oursSendFirst, parser, profStart, profLoad, profBodies };
})();
