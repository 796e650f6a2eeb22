// The run ledger: the runs of this browser in IndexedDB (store 'runs' of idb.js, one record per run,
// the 20 newest), shared by its tabs and surviving a reload. Per run: where it went and, per batch,
// its number, size, key (a hash of its emails, made by the core), first and last email, state,
// uuid, counts and message. Never the key, never the other prospect fields, not even the full email
// list: enough to show what happened, to recognise the same batches in a re-loaded file and to
// resend them. The emails of a batch stay in memory only. Also this tab's id, and which runs another
// tab is still sending.
//
// The page works from a copy in memory, so that runs() is at hand at once: read at start (init,
// then ready), written back a run at a time (save: at once, but a run of over 1,000 batches in
// progress at most every 5 seconds, since a run of 19,600 batches is a record of megabytes; all at
// once when the page is left), and read again when another tab has written one (a localStorage
// "storage" event says so) and before anything that depends on the other tabs (refresh: before
// queueing or resending, and when the tab comes back into view). Each run is its own record, so two tabs never overwrite each
// other's runs. An older page kept the ledger in localStorage (pe.ledger.v2, about 5 MB for all of
// the origin's storage: a run of a million rows did not fit): it is moved here at start. Where
// IndexedDB cannot be used the runs are kept in memory and the user is told once. Defines PE.ledger.
'use strict';
(function (PE) {
  const { STATE, IN_FLIGHT } = PE.protocol;
  const STORE = 'runs';
  const LEGACY = 'pe.ledger.v2';
  const KEEP = 20;          // runs kept: the newest
  // A run in progress of more than BIG batches is written at most every WRITE_MS: each write of a
  // run of 19,600 batches copies its 6 MB (about 60 ms, measured), and it is saved after every answer.
  const BIG = 1000;
  const WRITE_MS = 5000;
  // This tab's id survives a reload of the tab (sessionStorage), so its own interrupted run is
  // recognised at once, while a run that another open tab is sending is left alone.
  const TAB = (() => {
    try {
      const t = sessionStorage.getItem('pe.tab') || Math.random().toString(36).slice(2);
      sessionStorage.setItem('pe.tab', t);
      return t;
    } catch (e) { return Math.random().toString(36).slice(2); }
  })();
  const STALE_MS = 30000;   // a run whose tab has not written for this long is no longer running
  // What a run holds in memory only (run.js): never written.
  const IN_MEMORY = new Set(['emails', 'planIndex', 'queuedBefore', 'wasUnconfirmed', 'progress']);
  let warned = false;       // the user was told that this browser cannot save the ledger

  // id -> run: this tab's runs as run.js holds them (a run's fields kept in memory only are left out
  // when it is written), the other tabs' as storage had them when last read.
  const cache = new Map();
  const pending = new Map();  // id -> timer: written soon (newer in memory than in storage)
  let readyResolve;
  const ready = new Promise((r) => { readyResolve = r; });

  const byCreated = (a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0);
  // The runs, oldest first.
  function runs() { return [...cache.values()].sort(byCreated); }

  function cannotSave() {
    if (warned) return;
    warned = true;
    PE.util.showAlert('This browser could not save the progress of this run (its storage is full or off). Keep this tab open until the run ends, and download the report afterwards.');
  }
  // What is written of a run: its fields and its batches' but those kept in memory only, with this
  // tab's heartbeat when this tab owns it. Shallow: storage copies the rest.
  function storedForm(run) {
    const strip = (o) => {
      const c = {};
      for (const k of Object.keys(o)) if (!IN_MEMORY.has(k)) c[k] = o[k];
      return c;
    };
    const c = strip(run);
    c.batches = run.batches.map(strip);
    if (c.owner === TAB) c.heartbeat = Date.now();
    return c;
  }
  // A write of the run as it is in memory now, or the deletion of a run no longer kept. IndexedDB
  // runs the transactions of a store in the order they are made, so the last one asked wins.
  const writes = new Set();   // the writes not done yet (flush)
  function write(id) {
    if (pending.has(id)) { clearTimeout(pending.get(id)); pending.delete(id); }
    const run = cache.get(id);
    const form = run ? storedForm(run) : null;
    return tracked(STORE, (s) => (form ? s.put(form) : s.delete(id)), (ok) => {
      if (ok === null && form) cannotSave();
      else changed();
    });
  }
  // A write to a store that flush() waits for; then(result) once it is done.
  function tracked(store, fn, then) {
    const w = PE.idb.request(store, 'readwrite', fn).then((ok) => {
      writes.delete(w);
      if (then) then(ok);
    });
    writes.add(w);
    return w;
  }
  // Keeps the run (written at once, but a large run in flight within WRITE_MS), and the 20 newest runs.
  function save(run) {
    if (!run) return;
    const first = !cache.has(run.id) || cache.get(run.id) !== run && cache.get(run.id).owner !== run.owner;
    cache.set(run.id, run);
    // A new run (or one this tab takes over) is written at once: the other tabs must see it start.
    if (first || run.batches.length <= BIG || !run.batches.some((b) => IN_FLIGHT.includes(b.state))) write(run.id);
    else if (!pending.has(run.id)) pending.set(run.id, setTimeout(() => write(run.id), WRITE_MS));
    const all = runs();
    for (const old of all.slice(0, Math.max(0, all.length - KEEP))) {
      if (old.id === run.id) continue;
      cache.delete(old.id);
      write(old.id);
    }
  }
  // Keeps only these runs.
  function replace(kept) {
    const keep = new Set(kept.map((r) => r.id));
    for (const id of [...cache.keys()]) if (!keep.has(id)) { cache.delete(id); write(id); }
  }
  // The other tabs hear of a write through localStorage (its "storage" event reaches every other tab
  // of the origin at once) and read the runs again: so "Queue now" and "Send now" decide on what
  // the other tabs have written, without waiting for storage.
  const CHANGED = 'pe.ledger.changed';
  const listeners = [];
  function changed() {
    try { localStorage.setItem(CHANGED, TAB + ' ' + Date.now()); } catch (e) { /* storage off: refresh() before decisions still reads them */ }
  }
  // A run being sent writes after every answer: one reading at a time, and one more after it if
  // another write was heard meanwhile.
  let reading = false, again = false;
  function heard() {
    if (reading) { again = true; return; }
    reading = true;
    refresh().then(() => { for (const fn of listeners) fn(); }).catch(() => {}).finally(() => {
      reading = false;
      if (again) { again = false; heard(); }
    });
  }
  window.addEventListener('storage', (e) => { if (e.key === CHANGED) heard(); });
  // fn() after the runs were read again because another tab wrote one.
  function onChange(fn) { listeners.push(fn); }

  // Resolves once every write asked for so far is done (tests read the database after it). Also
  // when the page is hidden or left: what waits for WRITE_MS is written at once.
  function flush() {
    for (const id of [...pending.keys()]) write(id);
    return Promise.all([...writes]);
  }
  window.addEventListener('pagehide', () => { flush(); });

  // The stored runs that have the expected shape (web/js/stored.js); the others are deleted and
  // said once. null when IndexedDB cannot be used.
  async function stored() {
    const all = await PE.idb.request(STORE, 'readonly', (s) => s.getAll());
    if (all === null) return null;
    const r = PE.stored.readRuns(all);
    if (r.dropped) {
      PE.util.noteDropped('ledger', r.dropped);
      const good = new Set(r.runs.map((x) => x.id));
      for (const x of all) {
        const id = x && typeof x === 'object' ? x.id : undefined;
        if (id !== undefined && !good.has(id)) await PE.idb.request(STORE, 'readwrite', (s) => s.delete(id));
      }
    }
    return r.runs;
  }
  // The runs as storage has them now: the other tabs' writes and deletions. This tab's own runs are
  // kept as they are in memory (they are written from here).
  async function refresh() {
    await ready;
    const list = await stored();
    if (list === null) return;
    const seen = new Set();
    for (const r of list) {
      seen.add(r.id);
      // This tab's copy is kept while this tab owns the run (it is written from here); a run another
      // tab has taken over since (a resend there) is taken as storage has it.
      const mine = cache.get(r.id);
      if (!mine || mine.owner !== TAB || (r.owner !== TAB && !pending.has(r.id))) cache.set(r.id, r);
    }
    for (const [id, r] of [...cache]) if (!seen.has(id) && r.owner !== TAB) cache.delete(id);
    await readElsewhere();
  }

  // The prospects a run is sending, while it is: the hashes of their emails (prospect_hash, joined)
  // in store 'inflight', written when it starts and deleted when it ends, so that another tab does
  // not send them at the same time whatever batches its file cuts them into. Read by refresh() for
  // the runs live in another tab.
  const INFLIGHT = 'inflight';
  const elsewhere = new Map();   // run id -> its prospects' hashes (joined), for runs live in another tab
  function sending(run, hashes) {
    tracked(INFLIGHT, (s) => s.put({ run: run.id, at: Date.now(), hashes: String(hashes || '') }), () => changed());
  }
  function sent(run) {
    tracked(INFLIGHT, (s) => s.delete(run.id));
  }
  async function readElsewhere() {
    elsewhere.clear();
    const live = new Set(runs().filter(liveElsewhere).map((r) => r.id));
    if (!live.size) return;
    const all = await PE.idb.request(INFLIGHT, 'readonly', (s) => s.getAll());
    for (const rec of all || []) {
      if (rec && live.has(rec.run) && typeof rec.hashes === 'string' && /^(?:[0-9a-f]{16})*$/.test(rec.hashes)) elsewhere.set(rec.run, rec.hashes);
    }
  }

  const newId = () => Date.now().toString(36) + TAB.slice(0, 4);
  const stale = (run) => run.owner === TAB || Date.now() - (run.heartbeat || 0) >= STALE_MS;
  // Another tab of this browser is sending this run right now.
  const liveElsewhere = (run) => !!run && !stale(run) && run.batches.some((b) => IN_FLIGHT.includes(b.state));

  // The API an endpoint reaches: this server's proxy (/woodpecker) is the real API, as is the direct
  // URL, so that a file sent one way is known as sent the other way too.
  const PROXY = /^https?:\/\/[^/]+\/woodpecker\/?$/;
  const apiOf = (url) => (PROXY.test(String(url || '')) ? PE.constants.default_base_url : String(url || '').replace(/\/+$/, ''));
  // The run went to the same endpoint (base URL) with the same key (fingerprint): a sandbox
  // rehearsal does not stop the real run, nor one account's run another's. A run stored before
  // fingerprints were kept counts for any key.
  const sameAccount = (run, baseUrl, keyFp) => apiOf(run.baseUrl) === apiOf(baseUrl) && !(run.keyFp && keyFp && run.keyFp !== keyFp);
  // Batches of this plan identical to batches sent from this browser in an earlier run to the same
  // account (by their keys). What a run sent is also kept per prospect (sent.js), which the plan
  // leaves out; this catches the batches of runs kept before that, or while IndexedDB was off.
  function alreadySent(plan, baseUrl, keyFp) {
    const sent = new Map();
    for (const run of runs()) {
      if (!sameAccount(run, baseUrl, keyFp)) continue;
      for (const b of run.batches) if (b.state === STATE.sent && b.key) sent.set(b.key, run);
    }
    return plan.filter((b) => sent.has(b.key)).map((b) => ({ plan: b, run: sent.get(b.key) }));
  }
  // Batches of this plan that another tab of this browser is sending right now: in a live run (its
  // heartbeat is fresh) and waiting or being sent there. Sending them here too would queue them twice.
  // Also batches with a prospect that such a run is sending (by the plan's `hashes`), wherever the
  // loaded file puts it: an edited file cuts the same prospects into other batches.
  function inFlightElsewhere(plan) {
    const busy = new Map();
    const byId = new Map();
    for (const run of runs()) {
      if (!liveElsewhere(run)) continue;
      byId.set(run.id, run);
      for (const b of run.batches) if (b.key && IN_FLIGHT.includes(b.state)) busy.set(b.key, run);
    }
    let prospects = null;   // hash -> run, made only when another tab is sending
    for (const [id, hashes] of elsewhere) {
      if (!byId.has(id)) continue;
      prospects = prospects || new Map();
      for (let i = 0; i < hashes.length; i += 16) prospects.set(hashes.substr(i, 16), byId.get(id));
    }
    const runOf = (b) => {
      if (busy.has(b.key)) return busy.get(b.key);
      if (!prospects || !b.hashes) return null;
      for (let i = 0; i < b.hashes.length; i += 16) {
        const r = prospects.get(b.hashes.substr(i, 16));
        if (r) return r;
      }
      return null;
    };
    return plan.map((b) => ({ plan: b, run: runOf(b) })).filter((x) => x.run);
  }

  // At start-up: the runs of an older page's localStorage ledger are moved here (what does not fit
  // is said once and left behind); the stored runs are read; runs left by a closed tab, or by this
  // tab before a reload, are settled (run.js). Resolves `ready`.
  async function init() {
    try {
      let legacy = null;
      try { legacy = localStorage.getItem(LEGACY); } catch (e) { legacy = null; }
      const moved = PE.stored.readLedger(legacy);
      if (moved.dropped) PE.util.noteDropped('ledger', moved.dropped);
      let list = await stored();
      if (list === null) {
        // No IndexedDB: the older ledger, if any, is used from memory (and left where it is).
        list = moved.runs;
      } else if (legacy !== null) {
        for (const r of moved.runs) if (!list.some((x) => x.id === r.id)) { cache.set(r.id, r); await write(r.id); }
        try { localStorage.removeItem(LEGACY); } catch (e) { /* storage off */ }
      }
      for (const r of list) cache.set(r.id, r);
      for (const run of runs()) {
        if (!stale(run)) continue;
        const settled = PE.run.settle(run);
        if (settled !== run) save(settled);
      }
      // What runs no longer live were sending (their tab closed mid-run) is not in flight any more;
      // a record of a run not stored yet is kept while it is fresh (that run has just started).
      const flying = await PE.idb.request(INFLIGHT, 'readonly', (s) => s.getAll());
      for (const rec of flying || []) {
        const id = rec && rec.run;
        if (id === undefined) continue;
        const run = runs().find((r) => r.id === id);
        const fresh = !run && Number.isFinite(rec.at) && Date.now() - rec.at < STALE_MS;
        if (!fresh && !(run && liveElsewhere(run))) await PE.idb.request(INFLIGHT, 'readwrite', (s) => s.delete(id));
      }
      await readElsewhere();
    } finally {
      readyResolve();
    }
    return ready;
  }

  PE.ledger = { TAB, ready, init, runs, save, replace, refresh, flush, onChange, sending, sent, newId, liveElsewhere, sameAccount, alreadySent, inFlightElsewhere };
})(window.PE);
