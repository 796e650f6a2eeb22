// The page's Web Worker: loads the wasm module once and answers the page's requests, one handler
// per name of PE.protocol.REQUEST; runs the queue (one request at a time, retried as the core's
// policy says) and reports it by events. Concatenated after the Emscripten module (createEnricher),
// the module's constants (PE.constants, js/constants.js, generated at build time), web/js/protocol.js
// (PE.protocol) and web/js/policy.js (PE.policy) by scripts/bundle_web.js. The messages are
// described in web/js/protocol.js. The module's answers are the core's JSON (snake_case) and are
// handed to the page as they are. A reply with fatal: the module is unusable (it aborted, or a C++
// exception escaped it): the page replaces this worker with a fresh one.
/* global createEnricher, PE */
'use strict';

const { REQUEST, MESSAGE, EVENT, STOP, STATE, OUTCOME } = PE.protocol;
let M = null;
let session = null;
let aborted = null;   // what the module said when it aborted: nothing may run in it afterwards

const ready = createEnricher({ onAbort: (what) => { aborted = String(what == null ? '' : what); } }).then((mod) => {
  M = mod;
  session = new M.Session();
  self.postMessage({ type: MESSAGE.ready });
});
// A module that cannot start is said at once, and again to each request (startFailed).
const START_FAILED = (f) => 'The validation engine could not start in this browser (' + f.message + '). Reload the page; if it keeps failing, use a current Chrome, Edge or Firefox.';
ready.catch((err) => self.postMessage({ type: MESSAGE.startFailed, error: START_FAILED(describeFailure(err)) }));

// Any failure, in words: what happened and what to do; never a number or a pointer. fatal: the
// module cannot be trusted any more (aborted, trapped, out of memory, or a C++ exception that
// crossed into JavaScript as a bare number), so the page must start a fresh worker.
const MEMORY = 'This file needs more memory than the page can use. Validate it with the enrich command-line tool ' +
  '(`enrich validate FILE`), or split it into smaller files.';
function describeFailure(err) {
  const text = err instanceof Error ? String(err.message || '') : typeof err === 'string' ? err : '';
  const memory = /out of memory|\bOOM\b|Cannot enlarge memory|Array buffer allocation failed|Invalid (typed )?array length|bad_alloc/i;
  if (aborted !== null || (typeof WebAssembly === 'object' && err instanceof WebAssembly.RuntimeError) || /^Aborted\(/.test(text)) {
    if (memory.test(text) || memory.test(aborted || '')) return { message: MEMORY + ' (The validation engine ran out of memory and was restarted.)', fatal: true };
    const what = (text || aborted || '').replace(/\. Build with -s ASSERTIONS=1 for more info\.?$/, '').replace(/\b\d{4,}\b/g, '').trim();
    return { message: 'The validation engine stopped with an internal error' + (/[a-z]{3}/i.test(what) ? ' (' + what + ')' : '') +
      ' and was restarted. Try again; if it happens again with this file, validate it with the enrich command-line tool ' +
      '(`enrich validate FILE`), or split it into smaller files.', fatal: true };
  }
  if (err instanceof RangeError && memory.test(text)) return { message: MEMORY, fatal: true };
  if (typeof err === 'number' || typeof err === 'bigint' ||
      (typeof WebAssembly === 'object' && typeof WebAssembly.Exception === 'function' && err instanceof WebAssembly.Exception)) {
    // A C++ exception (most often std::bad_alloc) that crossed into JavaScript: a WebAssembly.Exception
    // under -fwasm-exceptions (as built), its bare address under the older -fexceptions.
    return { message: MEMORY + ' (The validation engine failed inside and was restarted.)', fatal: true };
  }
  if (text && /[A-Za-z]{3}/.test(text)) return { message: text, fatal: false };
  return { message: 'The validation engine failed without saying why, and was restarted. Try again; if it happens again, ' +
    'validate the file with the enrich command-line tool (`enrich validate FILE`), or split it into smaller files.', fatal: true };
}

// ---- queue runner: one request at a time, in order; the policy lives in C++ (pe::decide) ----
let run = null;  // {cancelled, timer, wake, active}
// Base URLs that have answered (any HTTP status) in this page: for them a later "no response" is a
// lost connection worth retrying, not a browser block (CORS), which shows up on the first call.
const answered = new Set();

function post(event) { self.postMessage({ type: MESSAGE.event, event }); }

// Starts one request; resolves with its result. Throws at once (nothing sent) when the request
// cannot even be made, e.g. a header value the browser refuses.
function httpOnce(method, url, apiKey, body, timeoutMs, baseUrl) {
  let resolve;
  const done = new Promise((r) => { resolve = r; });
  const answer = (r) => {
    if (r.status !== 0 && baseUrl) answered.add(baseUrl);
    resolve(r);
  };
  // body: a string, or a RequestBody kept in the module (a batch's; its bytes stay there).
  if (body && typeof body === 'object') M.httpRequestWithBody(method, url, apiKey, body, timeoutMs, answer);
  else M.httpRequest(method, url, apiKey, body || '', timeoutMs, answer);
  return done;
}

function sleep(ms) {
  return new Promise((resolve) => {
    run.wake = resolve;
    run.timer = setTimeout(resolve, ms);
  });
}

function joinUrl(base, path) { return base.replace(/\/+$/, '') + path; }

// Defence in depth: the page checks these too, but the worker makes every request, so it refuses a
// base URL outside the policy and a key that cannot be sent, whatever the message says.
function checkedBase(baseUrl) {
  const c = PE.policy.checkBaseUrl(baseUrl, self.location.origin);
  if (!c.ok) throw new Error('Nothing was sent: the API base URL “' + String(baseUrl) + '” is refused. ' + c.message);
  return c.url;
}
function checkedKey(apiKey) {
  const key = String(apiKey == null ? '' : apiKey).trim();
  if (!key) throw new Error('Nothing was sent: there is no API key. Enter it in Settings.');
  const problem = PE.policy.keyProblem(key);
  if (problem) throw new Error('Nothing was sent: ' + problem);
  return key;
}

// The API names a prospect by its place in the request ("prospects[3].email is invalid"): add the
// file's row and line, e.g. "prospects[3].email (row 12, line 13) is invalid". The data cannot
// change during a run, so the batch's rows now are the rows that were sent.
function withFileRows(message, index) {
  if (!/prospects\[\d+\]/.test(message) || typeof session.batchRows !== 'function') return message;
  let rows;
  try { rows = JSON.parse(session.batchRows(index)); } catch (e) { return message; }
  return message.replace(/prospects\[(\d+)\]((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g, (m, k) => {
    const r = rows[Number(k)];
    return r ? m + ' (row ' + r.row + ', line ' + r.line + ')' : m;
  });
}

// Sends one batch (id: the page's handle, index: its batch in the document) until it is settled,
// retrying as the policy says. to: {url, baseUrl, apiKey, timeoutMs}. Returns why the run must
// stop (a STOP), or null. While it runs, run.active says whether a request for it may have left.
async function sendBatch(id, index, body, to) {
  const a = { id, left: false, unanswered: false };
  run.active = a;
  // An earlier attempt got no answer: it may have been queued anyway. A batch that ends without a
  // confirmation after such an attempt is unconfirmed.
  const maybeQueued = () => (a.unanswered ? ' An earlier attempt got no answer, so the API may have queued it anyway: look up its emails before sending it again.' : '');
  const cancelled = (message, more) => {
    post(Object.assign({ kind: EVENT.batch, id, state: a.unanswered ? STATE.unconfirmed : STATE.not_sent, message }, more));
    run.active = null;
    return STOP.cancelled;
  };
  for (let attempt = 1; ; attempt++) {
    post({ kind: EVENT.batch, id, state: STATE.sending, attempt });
    const reached = answered.has(to.baseUrl);
    const pending = httpOnce('POST', to.url, to.apiKey, body, to.timeoutMs, to.baseUrl);
    a.left = true;
    const r = await pending;
    // "No response" from an API that has answered this page before is a dropped connection, not a
    // browser block: the policy (pe::decide) retries it.
    const d = JSON.parse(M.decide(r.status, r.timed_out, r.body, r.retry_after, reached, attempt, Math.random(), Date.now() / 1000));
    // No answer, a 500, or a gateway's 502/504 (a proxy such as this page's nginx lost the API's
    // answer, possibly after the API processed the batch): the attempt may have queued it. The same
    // answers as the enrich CLI's answer_may_be_lost.
    if (r.status === 0 || r.status === 500 || r.status === 502 || r.status === 504) a.unanswered = true;
    if (d.outcome !== OUTCOME.retry) return settled(a, index, attempt, r, d, maybeQueued);
    a.left = false;   // this attempt was not accepted (or, unanswered, is recorded as such above)
    if (run.cancelled) return cancelled('Cancelled while retrying: ' + d.message + maybeQueued(), { httpStatus: r.status });
    post({ kind: EVENT.retry, id, attempt, delayMs: d.delay_ms, httpStatus: r.status, rateLimited: r.status === 429, message: d.message });
    await sleep(d.delay_ms);
    if (run.cancelled) return cancelled('Cancelled while waiting to retry; this batch was not confirmed by the API.' + maybeQueued());
  }
}
// The last word on a batch (a: run.active) after the policy's decision d on the answer r.
function settled(a, index, attempt, r, d, maybeQueued) {
  const { id } = a;
  let stop = null;
  if (d.outcome === OUTCOME.sent) {
    post({ kind: EVENT.batch, id, state: STATE.sent, attempt, httpStatus: r.status, response: d.response, message: d.message, stopSending: d.stop_sending, unanswered: a.unanswered });
    if (d.stop_sending) stop = STOP.credits;
  } else if (d.outcome === OUTCOME.failed) {
    post({ kind: EVENT.batch, id, state: a.unanswered ? STATE.unconfirmed : STATE.failed, attempt, httpStatus: r.status, message: withFileRows(d.message, index) + maybeQueued(), raw: r.body.slice(0, 2000), stopSending: d.stop_sending });
    // 413: every later batch is as large, so the rest are not sent (the policy says stop).
    if (d.stop_sending) stop = STOP.too_large;
  } else {
    // stop_auth / stop_blocked: this batch was not accepted; nothing more is sent. A block means no
    // attempt reached the API (it never answered this page), so the batch was not sent.
    const blocked = d.outcome === OUTCOME.stop_blocked;
    post({ kind: EVENT.batch, id, state: blocked || !a.unanswered ? STATE.not_sent : STATE.unconfirmed, attempt, httpStatus: r.status, message: d.message + (blocked ? '' : maybeQueued()) });
    stop = d.outcome === OUTCOME.stop_auth ? STOP.auth : STOP.blocked;
  }
  run.active = null;
  return stop;
}

// batches: [{id, index}]: id is the page's handle for the batch (echoed in every event), index the
// batch of the loaded document. Each body is built just before its batch is sent (not all before
// the first request: 19,600 bodies took 9.7 s); the data cannot change during a run, since every
// request that changes it (load, remap, setCell, setBatchSize) is refused while a run is on.
// Whatever happens, the run ends with a 'finished' event: an exception stops it with a message;
// the batch being sent is 'unconfirmed' only when its request may have left, else 'not_sent'.
async function sendBatches(msg) {
  run = { cancelled: false, timer: null, wake: null, active: null };
  let stopReason = null;
  let failure = null;
  try {
    const baseUrl = checkedBase(msg.baseUrl);
    const to = { baseUrl, url: joinUrl(baseUrl, PE.constants.queue_path), apiKey: checkedKey(msg.apiKey), timeoutMs: msg.timeoutMs || 30000 };
    const { batches } = msg;
    if (!Array.isArray(batches)) throw new Error('Nothing was sent: the page asked for a run without a list of batches.');
    for (let i = 0; i < batches.length && !stopReason; i++) {
      const { id, index } = batches[i];
      if (run.cancelled) { stopReason = STOP.cancelled; break; }
      // Built in the module and kept there for every attempt (deleted when the batch is settled).
      const body = session.batchRequestBody(index);
      try {
        if (!body.size()) { post({ kind: EVENT.batch, id, state: STATE.failed, message: 'This batch no longer exists in the loaded file (was the file changed?).' }); continue; }
        stopReason = await sendBatch(id, index, body, to);
      } finally {
        body.delete();
      }
    }
  } catch (err) {
    failure = describeFailure(err);
    stopReason = STOP.error;
    const a = run.active;
    if (a) {
      const mayHaveLeft = a.left || a.unanswered;
      post({ kind: EVENT.batch, id: a.id, state: mayHaveLeft ? STATE.unconfirmed : STATE.not_sent,
        message: mayHaveLeft
          ? 'Its request may have reached the API, but the page failed before it could read the answer (' + failure.message + ') Look up its emails before sending it again.'
          : 'Not sent: ' + failure.message });
    }
  } finally {
    if (run && run.timer) clearTimeout(run.timer);
    run = null;
    post({ kind: EVENT.finished, stopReason, message: failure ? failure.message : '', fatal: !!(failure && failure.fatal) });
  }
}

async function statusCall(msg) {
  const baseUrl = checkedBase(msg.baseUrl);
  const apiKey = checkedKey(msg.apiKey);
  const timeoutMs = msg.timeoutMs || 20000;
  let r;
  if (msg.uuid) {
    r = await httpOnce('GET', joinUrl(baseUrl, PE.constants.queue_path + '/' + encodeURIComponent(msg.uuid)), apiKey, '', timeoutMs, baseUrl);
  } else {
    r = await httpOnce('POST', joinUrl(baseUrl, PE.constants.status_query_path), apiKey, M.statusQuery(JSON.stringify(msg.emails || [])), timeoutMs, baseUrl);
  }
  const parsed = r.status >= 200 && r.status < 300 ? JSON.parse(M.parseStatus(r.body)) : null;
  let message = '';
  if (r.status === 0) {
    message = r.timed_out ? 'The request timed out; try again, or raise the request timeout in Settings.'
      : 'No response: the browser blocked the request or the network is down. If the page is opened from disk or another site, ' +
        'the API may refuse browser calls (CORS): open the page through the bundled web server (scripts/run.sh), which proxies the API.';
  }
  else if (r.status === 401 || r.status === 403) message = 'The API key was refused (' + r.status + '). Check the key in Settings.';
  else if (r.status === 404) message = 'The API does not know this batch (404). Check the uuid.';
  else if (r.status === 429) message = 'Rate limited (429); try again in a moment.';
  else if (r.status >= 400) message = 'The API answered ' + r.status + '.';
  return { httpStatus: r.status, raw: r.body, parsed, message, retryAfter: r.retry_after || '' };
}

// ---- reading a file: slices of a File or Blob, never a whole copy outside the module ----
const SLICE = 8 << 20;
// While a file is read, other requests wait (reading.done): a request that allocated in the module
// could grow its memory and detach the view being filled. Cancel requests do not wait.
let reading = null;   // {cancelled, done}
function progress(p) { self.postMessage({ type: MESSAGE.progress, progress: p }); }
// Slices of a File are fetched by a reader worker of this worker's own. Reading a Blob takes the
// thread that asked for it (the bytes are copied in as they arrive, between its tasks): asked for
// here, the next slice would come only while the module is idle, and reading the file and checking
// it would take turns (measured: 300 ms of reading + 320 ms of checking = 620 ms for 158 MB). The
// reader (its source below, started from a Blob URL as this worker is) fetches the next slices
// while the module reads one, and hands each over (transferred, not copied). A worker that cannot
// start one fetches its slices itself.
const READER_SOURCE = "'use strict';\n" +
  'onmessage = async (e) => {\n' +
  '  const { id, blob, at, end } = e.data;\n' +
  '  try { const buf = await blob.slice(at, end).arrayBuffer(); postMessage({ id, buf }, [buf]); }\n' +
  '  catch (err) { postMessage({ id, error: String((err && (err.message || err.name)) || err) }); }\n' +
  '};\n';
const AHEAD = 2;      // slices asked for before they are needed
let reader = null;    // {worker, waiting: id -> {resolve, reject}, nextId}; false: none can be had
setTimeout(() => sliceReader(), 0);   // started now, so that it is ready when a file comes
function sliceReader() {
  if (reader !== null) return reader;
  reader = false;
  try {
    const r = { worker: new Worker(URL.createObjectURL(new Blob([READER_SOURCE], { type: 'text/javascript' }))), waiting: new Map(), nextId: 1 };
    r.worker.onmessage = (e) => {
      const p = r.waiting.get(e.data.id);
      if (!p) return;
      r.waiting.delete(e.data.id);
      if (e.data.error !== undefined) p.reject(new Error(e.data.error));
      else p.resolve(new Uint8Array(e.data.buf));
    };
    r.worker.onerror = (e) => {   // it could not start: its slices fail, and the next ones are fetched here
      if (e && e.preventDefault) e.preventDefault();
      reader = false;
      for (const p of r.waiting.values()) p.reject(new Error('the file reader stopped'));
      r.waiting.clear();
    };
    reader = r;
  } catch (e) {
    reader = false;
  }
  return reader;
}
function sliceOf(blob, at, end) {
  const r = sliceReader();
  const fetched = r
    ? new Promise((resolve, reject) => {
      const id = r.nextId++;
      r.waiting.set(id, { resolve, reject });
      r.worker.postMessage({ id, blob, at, end });
    })
    : blob.slice(at, end).arrayBuffer().then((b) => new Uint8Array(b));
  return fetched.catch((e) => {
    throw new Error('reading stopped at byte ' + at + ' (' + (e && (e.message || e.name)) + '). Check that the file still exists ' +
      'and is not being changed by another program, then choose it again.');
  });
}
// The slices of a blob in order, AHEAD of them asked for before they are taken. drop(): those
// asked for and not taken are let go.
function slicesOf(blob) {
  const queue = [];
  let next = 0;
  const fill = () => {
    while (queue.length < AHEAD && next < blob.size) {
      const p = sliceOf(blob, next, Math.min(blob.size, next + SLICE));
      p.catch(() => {});   // a failure is the taker's, when it takes this slice
      queue.push(p);
      next += SLICE;
    }
  };
  return {
    take() { fill(); const p = queue.shift(); fill(); return p; },
    drop() { queue.length = 0; },
  };
}
async function exclusively(work) {
  while (reading) await reading.done;
  let finish;
  reading = { cancelled: false, done: new Promise((r) => { finish = r; }) };
  try { return await work(reading); } finally { reading = null; finish(); }
}

// A whole file into the module, for the interactive view: a buffer of its size from the module
// (the previous file is dropped first), filled slice by slice through its view; the module reads
// each slice (session.filled) while the next one is being fetched, then the rest is checked
// (session.load; the buffer is freed once read). Nothing else runs in the module meanwhile
// (exclusively).
// The title lines before the header the page chose (options.header_skip); -1: detected.
function headerSkip(options) {
  return Number.isInteger(options.header_skip) && options.header_skip >= 0 ? options.header_skip : -1;
}

function loadFile(blob, options) {
  return exclusively(async () => {
    if (checkOnly) checkOnly.clear();
    const started = Date.now();
    session.setHeaderSkip(headerSkip(options));
    const room = session.input(blob.size);
    if (typeof room === 'string') return room;  // no room for the file: the session's state with the error
    const slices = slicesOf(blob);
    try {
      for (let at = 0; at < blob.size; at += SLICE) {
        const end = Math.min(blob.size, at + SLICE);
        const bytes = await slices.take();
        // The buffer is not cleared first: a slice shorter than asked (the file changed meanwhile)
        // would leave bytes of what was there before.
        if (bytes.length !== end - at) {
          throw new Error('reading stopped at byte ' + (at + bytes.length) + ' (the file is shorter than when it was chosen). Check that the file ' +
            'is not being changed by another program, then choose it again.');
        }
        // Taken anew: an HTTP answer handed over during the await may have grown the memory.
        session.inputAgain().set(bytes, at);
        const failed = session.filled(end, options);
        if (failed) { slices.drop(); return failed; }  // out of memory: the state with the error (the session is cleared)
        progress({ bytes: end, total: blob.size, ms: Date.now() - started, phase: 'read' });
      }
    } catch (err) {
      slices.drop();
      session.clear();   // the half-filled buffer is not kept
      throw err;
    }
    progress({ bytes: blob.size, total: blob.size, ms: Date.now() - started, phase: 'check' });
    return session.load(options);
  });
}

// A file checked as it is read ("check only"): the module keeps the report, not the rows, so its
// memory stays flat whatever the size. Progress after each slice; cancelCheck stops it between
// slices. The findings, as CSV, are gathered outside the module (a Blob of the parts).
let checkOnly = null;
function checkOnlyFile(blob, options) {
  return exclusively(async (r) => {
    session.clear();   // the interactive view's file is dropped: its memory is the check's
    if (!checkOnly) checkOnly = new M.CheckOnly();
    checkOnly.setHeaderSkip(headerSkip(options));
    const begun = JSON.parse(checkOnly.begin(options));
    if (!begun.ok && begun.error) return Object.assign(begun, { done: true });
    const started = Date.now();
    const parts = [];
    let state = null;
    const slices = slicesOf(blob);
    for (let at = 0; at < blob.size; at += SLICE) {
      const end = Math.min(blob.size, at + SLICE);
      let bytes;
      try { bytes = await slices.take(); } catch (err) { slices.drop(); throw err; }
      if (r.cancelled) break;
      const view = checkOnly.input(bytes.length);
      if (typeof view === 'string') { state = JSON.parse(view); break; }
      view.set(bytes);
      state = JSON.parse(checkOnly.feed(bytes.length));
      const csv = checkOnly.takeFindingsCsv();
      if (csv) parts.push(csv);
      if (!state.ok) break;   // not readable: finish() says why
      progress({ bytes: end, total: blob.size, rows: state.summary.rows, ms: Date.now() - started, phase: 'check' });
    }
    slices.drop();
    const failed = state && !state.ok && state.error && !state.summary;   // the module itself failed
    const result = failed ? state : JSON.parse(r.cancelled ? checkOnly.stop() : checkOnly.finish());
    const csv = checkOnly.takeFindingsCsv();
    if (csv) parts.push(csv);
    result.findings_csv = parts.length ? new Blob(parts, { type: 'text/csv' }) : null;
    result.total_bytes = blob.size;
    result.ms = Date.now() - started;
    return result;
  });
}

// ---- Excel workbooks (.xlsx): unzipped here, read by the module ----
// The module reads the zip's directory from the file's last bytes and says which parts it needs
// (the workbook, then the chosen sheet, its shared strings and styles); each is inflated here with
// the browser's DecompressionStream('deflate-raw') and handed over; the module then writes the
// sheet as CSV text, which is loaded like any CSV file (UTF-8, commas).
const WAY_OUT = 'Open it in Excel and save it as CSV (File \u2192 Save As \u2192 CSV UTF-8), then load that file.';
async function bytesOf(blob, at, end) {
  try {
    return new Uint8Array(await blob.slice(at, end).arrayBuffer());
  } catch (e) {
    throw new Error('reading stopped at byte ' + at + ' (' + (e && (e.message || e.name)) + '). Check that the file still exists ' +
      'and is not being changed by another program, then choose it again.');
  }
}
async function isZip(blob) {
  if (blob.size < 4) return false;
  const b = await bytesOf(blob, 0, 4);
  return b[0] === 0x50 && b[1] === 0x4B && b[2] === 0x03 && b[3] === 0x04;
}
// A part's bytes, inflated; never more than the size the zip's directory declares (a part that
// would unpack to more is stopped there, and the module says it is damaged).
async function inflatePart(blob, at, part) {
  if (part.method !== 8) return bytesOf(blob, at, at + part.compressed_size);
  if (typeof DecompressionStream !== 'function') {
    throw new Error('This browser cannot unpack Excel workbooks (it has no DecompressionStream). Use a current Chrome, Edge or Firefox, or ' + WAY_OUT.charAt(0).toLowerCase() + WAY_OUT.slice(1));
  }
  const out = new Uint8Array(part.size + 1);
  let n = 0;
  const reader = blob.slice(at, at + part.compressed_size).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = Math.min(value.length, out.length - n);
      out.set(value.subarray(0, room), n);
      n += room;
      if (n > part.size) { reader.cancel().catch(() => {}); break; }
    }
  } catch (e) {
    throw new Error('This Excel workbook could not be read: its part \u201c' + part.name + '\u201d does not unpack (' +
      String((e && (e.message || e.name)) || e) + '). The file may be damaged or only partly saved. ' + WAY_OUT);
  }
  return out.subarray(0, n);
}
// The sheet (its name; '' for the first) of the workbook in blob, as a Blob of CSV text:
// {csv, sheet, sheets}, or {error} in words.
async function workbookCsv(blob, sheet) {
  const book = new M.Workbook();
  try {
    const tailAt = Math.max(0, blob.size - PE.constants.xlsx_tail_bytes);
    let state = JSON.parse(book.open(await bytesOf(blob, tailAt, blob.size), blob.size, String(sheet || '')));
    for (let round = 0; state.ok && state.wanted.length && round < PE.constants.xlsx_max_rounds; round++) {
      for (const part of state.wanted) {
        const header = await bytesOf(blob, part.header_offset, part.header_offset + PE.constants.xlsx_local_header_bytes);
        const at = book.dataAt(part.name, header);
        state = at < 0 ? JSON.parse(book.state()) : JSON.parse(book.give(part.name, await inflatePart(blob, at, part)));
        if (!state.ok) break;
      }
    }
    if (state.ok) state = JSON.parse(book.toCsv());
    if (!state.ok) return { error: state.error, sheets: state.sheets || [] };
    return { csv: new Blob([book.csvView()], { type: 'text/csv' }), sheet: state.sheet, sheets: state.sheets };
  } finally {
    book.delete();
  }
}
// A load or check of a file: a workbook is read as the CSV text of its sheet (options.sheet), with
// {sheet, sheets} added to the answer; anything else as it is. The page decides by a file's size
// whether it can hold it to edit (interactiveMax); a workbook's sheet is often many times its zip,
// so a sheet larger as CSV text than interactiveMax is checked as it is read instead, as a CSV
// file that large is, and the answer says so (checked_only: its CSV text's size).
async function asInput(file, options, read, interactiveMax) {
  if (!(await isZip(file))) return read(file, options);
  const wb = await exclusively(() => workbookCsv(file, options && options.sheet));
  if (wb.error) return { ok: false, error: wb.error, workbook: { sheet: null, sheets: wb.sheets } };
  const tooLarge = interactiveMax > 0 && wb.csv.size > interactiveMax;   // only a load passes interactiveMax
  const result = await (tooLarge ? checkOnlyFile : read)(wb.csv, Object.assign({}, options, { encoding: 'utf-8', delimiter: ',' }));
  result.workbook = { sheet: wb.sheet, sheets: wb.sheets };
  if (tooLarge) result.checked_only = { csv_bytes: wb.csv.size };
  return result;
}

function notWhileRunning() {
  if (run) throw new Error('A queue run is in progress: wait for it to finish, or cancel it, before changing the data.');
}

// One handler per request of the page, keyed by PE.protocol.REQUEST.
const handlers = {
  [REQUEST.load]: async (m) => notWhileRunning() || asInput(m.file, m.options, async (f, o) => JSON.parse(await loadFile(f, o)), m.interactiveMax),
  [REQUEST.checkOnly]: (m) => notWhileRunning() || asInput(m.file, m.options, checkOnlyFile),
  [REQUEST.cancelCheck]: () => { if (reading) reading.cancelled = true; return { cancelled: !!reading }; },
  [REQUEST.remap]: (m) => notWhileRunning() || JSON.parse(session.remap(JSON.stringify(m.overrides))),
  [REQUEST.setBatchSize]: (m) => { notWhileRunning(); session.setBatchSize(m.batchSize); return JSON.parse(session.state()); },
  [REQUEST.rows]: (m) => JSON.parse(session.rows(m.filter, m.start, m.count)),
  [REQUEST.setCell]: (m) => { notWhileRunning(); const r = JSON.parse(session.setCell(m.row, m.col, m.value)); session.refresh(); return r; },
  [REQUEST.setCells]: (m) => { notWhileRunning(); return JSON.parse(session.setCells(JSON.stringify(m.changes || []))); },
  [REQUEST.fixes]: () => JSON.parse(session.fixes()),
  [REQUEST.columnStats]: () => JSON.parse(session.columnStats()),
  [REQUEST.fixChanges]: (m) => JSON.parse(session.fixChanges(String(m.fix))),
  // Find and replace in a column (plain text); countOnly: only how many cells it would change (the
  // preview, counted by the core without making the changes), so that they are made only when asked.
  [REQUEST.replaceChanges]: (m) => {
    const args = [Number(m.col), String(m.find), String(m.replace), !!m.wholeCell, !!m.matchCase];
    return m.countOnly ? { count: session.replaceCount(...args) } : JSON.parse(session.replaceChanges(...args));
  },
  // The rows an exclusion would set aside now ('invalid', or 'code:<code>' for a problem group).
  [REQUEST.excludeRows]: (m) => JSON.parse(session.excludeRows(String(m.which))),
  // Rows excluded (excluded true) or included again; answers as setCells does.
  [REQUEST.setExcluded]: (m) => { notWhileRunning(); return JSON.parse(session.setExcluded(JSON.stringify(m.rows || []), !!m.excluded)); },
  [REQUEST.batchPlan]: (m) => JSON.parse(session.batchPlan(!!m.emails)),
  // hashes: the prospects already queued from this browser (sent.js), left out of the plan and the
  // bodies; '' leaves out nobody. Not during a run: its bodies are built from the plan as it started.
  [REQUEST.setSkip]: (m) => { notWhileRunning(); session.setSkip(String(m.hashes || '')); return true; },
  [REQUEST.batchBody]: (m) => session.batchBody(m.index),
  [REQUEST.problems]: () => JSON.parse(session.problems()),
  [REQUEST.cleanedCsv]: () => session.cleanedCsv(),
  [REQUEST.reportCsv]: (m) => session.reportCsv(JSON.stringify(m.outcomes || [])),
  [REQUEST.resultsCsv]: (m) => session.resultsCsv(JSON.stringify(m.run)),
  // The run goes on after this answer; its progress and its end come as events.
  [REQUEST.send]: (m) => { if (run) throw new Error('A queue run is already in progress.'); sendBatches(m); return { started: true }; },
  [REQUEST.cancel]: () => {
    if (run) {
      run.cancelled = true;
      if (run.timer) { clearTimeout(run.timer); run.wake && run.wake(); }
    }
    return { cancelled: !!run };
  },
  [REQUEST.status]: (m) => statusCall(m),
  // A prefix of the key's SHA-256 (the core's key_fingerprint): what a run records of its account.
  [REQUEST.keyFingerprint]: (m) => M.keyFingerprint(String(m.apiKey == null ? '' : m.apiKey).trim()),
};

self.onmessage = async (e) => {
  const msg = e.data || {};
  try {
    await ready;
  } catch (err) {
    self.postMessage({ id: msg.id, ok: false, startFailed: true, error: START_FAILED(describeFailure(err)) });
    return;
  }
  try {
    if (aborted !== null) throw new WebAssembly.RuntimeError('Aborted(' + aborted + ')');
    const h = Object.prototype.hasOwnProperty.call(handlers, msg.type) ? handlers[msg.type] : null;
    if (!h) throw new Error('The page asked the validation engine for something it does not know (“' + String(msg.type) + '”). Reload the page.');
    // Nothing else runs in the module while a file is read into it (exclusively), but a cancel.
    if (msg.type !== REQUEST.cancelCheck && msg.type !== REQUEST.cancel && msg.type !== REQUEST.load && msg.type !== REQUEST.checkOnly) {
      while (reading) await reading.done;
    }
    const result = await h(msg);
    self.postMessage({ id: msg.id, ok: true, result });
  } catch (err) {
    const f = describeFailure(err);
    self.postMessage({ id: msg.id, ok: false, error: f.message, fatal: f.fatal });
  }
};
