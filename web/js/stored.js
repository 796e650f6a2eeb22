// What the page reads back from storage, checked before use: the run ledger (IndexedDB, and the
// localStorage pe.ledger.v2 of older pages) and the history of queued batches (pe.history.v1).
// Every page opened from disk shares one storage, so anything may be there: each run and each
// history entry is kept only when it has the expected shape and types, rebuilt from its known
// fields; the rest is dropped and described.
// Pure functions; a classic script that defines PE.stored (window), or module.exports under Node.
(function (root) {
  'use strict';

  const protocol = typeof module === 'object' && module && module.exports ? require('./protocol.js') : root.PE.protocol;
  const STATES = Object.keys(protocol.STATE);
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isStr = (v) => typeof v === 'string';
  const isDate = (v) => isStr(v) && !Number.isNaN(Date.parse(v));
  const isCount = (v) => Number.isInteger(v) && v >= 0;
  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
  const optional = (v, test) => v === undefined || v === null || test(v);
  const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many);

  function parse(text) {
    if (text === null || text === undefined) return { missing: true };
    try { return { value: JSON.parse(text) }; } catch (e) { return { broken: true }; }
  }

  // A batch of a run, or null when it does not fit.
  function cleanBatch(b) {
    if (!isObj(b) || !isCount(b.index) || !isCount(b.count) || !STATES.includes(b.state)) return null;
    if (!optional(b.key, isStr) || !optional(b.uuid, isStr) || !optional(b.message, isStr) || !optional(b.status, isStr) ||
        !optional(b.first, isStr) || !optional(b.last, isStr)) return null;
    let counts;
    if (b.counts !== undefined && b.counts !== null) {
      if (!isObj(b.counts) || !isNum(b.counts.queued) || !optional(b.counts.submitted, isNum)) return null;
      counts = { queued: b.counts.queued, submitted: b.counts.submitted == null ? undefined : b.counts.submitted };
    }
    const out = { index: b.index, count: b.count, key: b.key || null, first: b.first || '', last: b.last || '',
      state: b.state, uuid: b.uuid || null, message: b.message || '' };
    if (b.status) out.status = b.status;
    if (counts) out.counts = counts;
    // What tracking said of it (run.js tracked): dropped alone when it does not fit.
    const t = b.tracked;
    if (isObj(t) && isDate(t.at) && isCount(t.total) && isCount(t.pending) && isObj(t.results) &&
        Object.values(t.results).every(isCount)) {
      out.tracked = { at: t.at, total: t.total, pending: t.pending, results: Object.assign({}, t.results) };
      if (isCount(t.asked)) out.tracked.asked = t.asked;
    }
    return out;
  }

  // A run, or null when it (or any of its batches) does not fit. The base URL is kept as text: it
  // is checked against the URL policy whenever a request would use it.
  function cleanRun(r) {
    if (!isObj(r) || !isStr(r.id) || !r.id || !isDate(r.created) || !Array.isArray(r.batches)) return null;
    if (!optional(r.owner, isStr) || !optional(r.heartbeat, isNum) || !optional(r.baseUrl, isStr) || !optional(r.file, isStr) ||
        !optional(r.keyFp, isStr)) return null;
    const batches = r.batches.map(cleanBatch);
    if (batches.some((b) => b === null)) return null;
    const out = { id: r.id, owner: r.owner || '', heartbeat: r.heartbeat || 0, created: r.created, baseUrl: r.baseUrl || '', batches };
    if (r.file) out.file = r.file;
    if (r.keyFp) out.keyFp = r.keyFp;
    return out;
  }

  // text: the stored string (or null). Returns {runs, dropped}: the runs that fit, and a phrase
  // for what was dropped ('' when nothing was).
  function readLedger(text) {
    const p = parse(text);
    if (p.missing) return { runs: [], dropped: '' };
    if (p.broken || !isObj(p.value) || !Array.isArray(p.value.runs)) {
      return { runs: [], dropped: 'the record of earlier runs (it was not in the form this page writes)' };
    }
    const runs = [];
    let bad = 0;
    for (const r of p.value.runs) {
      const c = cleanRun(r);
      if (c) runs.push(c); else bad++;
    }
    return { runs, dropped: bad ? plural(bad, 'earlier run', 'earlier runs') + ' of ' + p.value.runs.length + ' (missing or wrong details)' : '' };
  }

  // records: the runs as IndexedDB holds them (ledger.js; any values, as any page of the origin may
  // have written them). Returns {runs, dropped} like readLedger.
  function readRuns(records) {
    const runs = [];
    let bad = 0;
    for (const r of records) {
      const c = cleanRun(r);
      if (c) runs.push(c); else bad++;
    }
    return { runs, dropped: bad ? plural(bad, 'earlier run', 'earlier runs') + ' of ' + records.length + ' (missing or wrong details)' : '' };
  }

  function cleanEntry(x) {
    if (!isObj(x) || !isStr(x.uuid) || !x.uuid || !isDate(x.created)) return null;
    if (!optional(x.status, isStr) || !optional(x.queued, isNum) || !optional(x.submitted, isNum) ||
        !optional(x.baseUrl, isStr) || !optional(x.finished, isDate)) return null;
    const out = { uuid: x.uuid, created: x.created, status: x.status || '' };
    if (isNum(x.queued)) out.queued = x.queued;
    if (isNum(x.submitted)) out.submitted = x.submitted;
    if (x.baseUrl) out.baseUrl = x.baseUrl;
    if (x.finished) out.finished = x.finished;
    return out;
  }

  // Returns {entries, dropped} like readLedger.
  function readHistory(text) {
    const p = parse(text);
    if (p.missing) return { entries: [], dropped: '' };
    if (p.broken || !Array.isArray(p.value)) {
      return { entries: [], dropped: 'the history of queued batches (it was not in the form this page writes)' };
    }
    const entries = [];
    let bad = 0;
    for (const x of p.value) {
      const c = cleanEntry(x);
      if (c) entries.push(c); else bad++;
    }
    return { entries, dropped: bad ? plural(bad, 'entry', 'entries') + ' of ' + p.value.length + ' in the history of queued batches (missing or wrong details)' : '' };
  }

  const api = { readLedger, readRuns, readHistory };
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  else (root.PE = root.PE || {}).stored = api;
})(typeof self !== 'undefined' ? self : this);
