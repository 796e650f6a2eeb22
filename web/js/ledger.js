// The run ledger: the runs of this browser in localStorage (pe.ledger.v2), shared by its tabs and
// surviving a reload. Per run: where it went and, per batch, its number, size, key (a hash of its
// emails, made by the core), first and last email, state, uuid, counts and message. Never the key,
// never the other prospect fields, not even the full email list: enough to show what happened, to
// recognise the same batches in a re-loaded file and to resend them. The emails of a batch stay in
// memory only. Runs are merged into storage one by one (by id), so two tabs do not overwrite each
// other. Also this tab's id, and which runs another tab is still sending. Defines PE.ledger.
'use strict';
(function (PE) {
  const { STATE, IN_FLIGHT } = PE.protocol;
  const LEDGER = 'pe.ledger.v2';
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

  function storedText() { try { return localStorage.getItem(LEDGER); } catch (e) { return null; } }
  // The runs in storage that have the expected shape (web/js/stored.js); the others are dropped.
  function runs() {
    let text = null;
    try { text = localStorage.getItem(LEDGER); } catch (e) { return []; }
    const r = PE.stored.readLedger(text);
    if (r.dropped) PE.util.noteDropped('ledger', r.dropped);
    return r.runs;
  }
  // Writes the run (this tab's heartbeat on it when this tab owns it), keeping the 20 newest runs.
  function save(run) {
    if (!run) return;
    const copy = JSON.parse(JSON.stringify(run, (k, v) => (IN_MEMORY.has(k) ? undefined : v)));
    if (copy.owner === TAB) copy.heartbeat = Date.now();
    let all = runs().filter((r) => r.id !== run.id);
    all.push(copy);
    all.sort((a, b) => (a.created < b.created ? -1 : 1));
    all = all.slice(-20);
    // Full storage: drop the oldest runs (never this one) until it fits; say so if it never does.
    for (;;) {
      try { localStorage.setItem(LEDGER, JSON.stringify({ runs: all })); return; } catch (e) {
        if (all.length > 1) { all.splice(all[0].id === run.id ? 1 : 0, 1); continue; }
        if (!warned) {
          warned = true;
          PE.util.showAlert('This browser could not save the progress of this run (its storage is full or off). Keep this tab open until the run ends, and download the report afterwards.');
        }
        return;
      }
    }
  }
  // Keeps only these runs.
  function replace(kept) {
    try { localStorage.setItem(LEDGER, JSON.stringify({ runs: kept })); } catch (e) { /* ignore */ }
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
  function inFlightElsewhere(plan) {
    const busy = new Map();
    for (const run of runs()) {
      if (!liveElsewhere(run)) continue;
      for (const b of run.batches) if (b.key && IN_FLIGHT.includes(b.state)) busy.set(b.key, run);
    }
    return plan.filter((b) => busy.has(b.key)).map((b) => ({ plan: b, run: busy.get(b.key) }));
  }

  // At start-up: what was dropped is written back without it, so that it is reported once, not at
  // every start; runs left by a closed tab, or by this tab before a reload, are settled (run.js).
  function init() {
    if (PE.stored.readLedger(storedText()).dropped) replace(runs());
    for (const run of runs()) {
      if (!stale(run)) continue;
      const settled = PE.run.settle(run);
      if (settled !== run) save(settled);
    }
  }

  PE.ledger = { TAB, init, runs, save, replace, newId, liveElsewhere, sameAccount, alreadySent, inFlightElsewhere };
})(window.PE);
