// Appended by the benchmark page to the page's own worker source (PE.workerSource from
// build/web/enricher-worker.js), so the measured code is the page's worker as it is: the same module,
// the same session and the same handlers. It adds two requests the page never makes:
//   benchMemory  the size of the module's memory (wasm memory only grows, so this is its peak)
//   benchBodies  the request body of every batch, built one after another as a run builds them (kept
//                in the module: a run hands them to the module's HTTP client without reading them)
// It reads the worker's own top-level names (handlers, session, M): when they change, this says so.
/* global handlers, session, M */
'use strict';
(function () {
  if (typeof handlers !== 'object' || typeof session === 'undefined' || typeof M === 'undefined') {
    throw new Error('bench: the page worker no longer has handlers/session/M at top level: update scripts/bench/page/worker-extension.js');
  }
  const wasmBytes = () => (M && M.HEAPU8 ? M.HEAPU8.buffer.byteLength : null);
  handlers.benchMemory = () => ({ wasmBytes: wasmBytes() });
  // indices: the batches of the plan. chars: the bodies' size in bytes (UTF-8).
  handlers.benchBodies = (m) => {
    const t0 = performance.now();
    let chars = 0;
    for (const i of m.indices) {
      const body = session.batchRequestBody(i);
      chars += body.size();
      body.delete();
    }
    const ms = performance.now() - t0;
    return { ms, chars, count: m.indices.length, wasmBytes: wasmBytes() };
  };
})();
