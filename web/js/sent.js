// The prospects queued from this browser, so that none is queued twice to the same endpoint and
// account: whatever file they come back in, however it was edited or cut into batches. Per batch
// of a run that the API confirmed (state sent: queued, or already pending), the hashes of its
// prospects' emails (the core's prospect_hash, 16 hex digits each; never the emails) in IndexedDB
// (idb.js, store 'prospects'): {id: "<run id>/<place in the run>", run, place, hashes}. Where they went
// (endpoint, key fingerprint) and whether the batch is still confirmed are read from the run in the
// ledger (ledger.js), so a record counts only while its run does: clearing the history forgets
// them too. Defines PE.sent.
'use strict';
(function (PE) {
  const { STATE } = PE.protocol;
  const STORE = 'prospects';
  const request = (mode, fn) => PE.idb.request(STORE, mode, fn);
  const HEX = /^(?:[0-9a-f]{16})*$/;
  const valid = (r) => r && typeof r === 'object' && typeof r.run === 'string' && Number.isInteger(r.place) && r.place >= 0 &&
    typeof r.hashes === 'string' && HEX.test(r.hashes);

  // A batch of a run was confirmed queued: the hashes of the prospects it sent, joined.
  function record(runId, place, hashes) {
    if (!hashes) return Promise.resolve(null);
    return request('readwrite', (s) => s.put({ id: runId + '/' + place, run: runId, place, hashes }));
  }
  // The prospects confirmed queued to this endpoint (base URL) with this key by the runs of the
  // ledger: {hashes (joined), count, latest: the newest run they come from}. Records of runs the
  // ledger no longer holds (cleared, or dropped as the oldest) and unreadable ones are deleted.
  async function confirmed(baseUrl, keyFp) {
    const none = { hashes: '', count: 0, latest: null };
    const all = await request('readonly', (s) => s.getAll());
    if (!all) return none;
    const runs = new Map(PE.ledger.runs().map((r) => [r.id, r]));
    const parts = [];
    const gone = [];
    let latest = null;
    for (const rec of all) {
      const run = valid(rec) ? runs.get(rec.run) : null;
      if (!run) { if (rec && rec.id !== undefined) gone.push(rec.id); continue; }
      const b = run.batches[rec.place];
      if (!b || b.state !== STATE.sent || !PE.ledger.sameAccount(run, baseUrl, keyFp)) continue;
      parts.push(rec.hashes);
      if (!latest || run.created > latest.created) latest = run;
    }
    if (gone.length) await request('readwrite', (s) => { for (const id of gone) s.delete(id); return null; });
    const hashes = parts.join('');
    return { hashes, count: hashes.length / 16, latest };
  }

  PE.sent = { record, confirmed };
})(window.PE);
