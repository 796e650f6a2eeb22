// This page's IndexedDB database ('prospect-enricher'), shared by what it keeps there: the work
// done on each file (saved.js, store 'files'), the prospects queued from this browser (sent.js,
// store 'prospects'), the runs and the prospects of runs being sent (ledger.js, stores 'runs' and
// 'inflight'). Storage that is off, full or blocked
// gives null: callers then only keep less. Blocked (a tab of an older page holds the database and
// does not let go while it is upgraded) is said once, with what to do.
// Defines PE.idb.
'use strict';
(function (PE) {
  const DB = 'prospect-enricher';
  const STORES = { files: 'fingerprint', prospects: 'id', runs: 'id', inflight: 'run' };   // store -> its keyPath

  let db = null;            // a promise of the database, or of null when IndexedDB cannot be used
  function open() {
    if (db) return db;
    // A database without every store (an older page of this origin) is upgraded to have them.
    const missing = (d) => Object.keys(STORES).some((s) => !d.objectStoreNames.contains(s));
    const attempt = (version, resolve) => {
      let req;
      try { req = version ? indexedDB.open(DB, version) : indexedDB.open(DB); } catch (e) { resolve(null); return; }
      req.onupgradeneeded = () => {
        for (const [s, keyPath] of Object.entries(STORES)) if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s, { keyPath });
      };
      req.onsuccess = () => {
        const d = req.result;
        if (!missing(d)) {
          // Another tab of a newer page upgrades it: this one lets go, and opens it again when next needed.
          d.onversionchange = () => { d.close(); db = null; };
          resolve(d);
          return;
        }
        const next = d.version + 1;
        d.close();
        if (version) resolve(null); else attempt(next, resolve);
      };
      req.onerror = () => resolve(null);
      req.onblocked = () => {
        PE.util.showAlert('Another tab of this page, opened before it was updated, holds what this browser keeps for it, so this tab ' +
          'cannot keep your edits, the prospects it sends or its runs. Close or reload the other tabs of this page, then reload this one.');
        resolve(null);
      };
    };
    db = new Promise((resolve) => attempt(0, resolve));
    return db;
  }
  // One request on a store, as a promise of its result (null when storage is off or it fails).
  async function request(store, mode, fn) {
    const d = await open();
    if (!d) return null;
    return new Promise((resolve) => {
      try {
        const tx = d.transaction(store, mode);
        const req = fn(tx.objectStore(store));
        tx.oncomplete = () => resolve(req ? req.result : null);
        tx.onerror = tx.onabort = () => resolve(null);
      } catch (e) { resolve(null); }
    });
  }

  PE.idb = { request };
})(window.PE);
