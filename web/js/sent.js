// The prospects queued from this browser, so that none is queued twice to the same endpoint and
// account: whatever file they come back in, however it was edited or cut into batches. Per batch
// of a run that the API confirmed (queued, or already pending), the hashes of its prospects'
// emails (the core's prospect_hash, 16 hex digits each; never the emails) in IndexedDB (idb.js,
// store 'prospects'): {id: "<run id>/<place in the run>", run, place, baseUrl, keyFp, created,
// hashes}. A record says itself where its prospects went, so it does not depend on the ledger's
// runs (which keeps only the newest 20); "Clear history" forgets the records of
// the runs it forgets. Defines PE.sent.
'use strict';
(function (PE) {
  const STORE = 'prospects';
  const request = (mode, fn) => PE.idb.request(STORE, mode, fn);
  const HEX = /^(?:[0-9a-f]{16})*$/;
  const valid = (r) => r && typeof r === 'object' && typeof r.run === 'string' && Number.isInteger(r.place) && r.place >= 0 &&
    typeof r.baseUrl === 'string' && typeof r.keyFp === 'string' && typeof r.created === 'string' && typeof r.hashes === 'string' && HEX.test(r.hashes);

  // Batch `place` of `run` was confirmed queued: the hashes of the prospects it sent, joined.
  function record(run, place, hashes) {
    if (!run || !hashes) return Promise.resolve(null);
    return request('readwrite', (s) => s.put({ id: run.id + '/' + place, run: run.id, place, baseUrl: run.baseUrl || '', keyFp: run.keyFp || '',
      created: new Date().toISOString(), hashes }));
  }
  // The prospects confirmed queued to this endpoint (base URL) with this key (ledger.sameAccount):
  // {hashes (joined), count, latest: {created} of the newest record, or null}. before (optional):
  // {run, created}: only what runs other than that one had confirmed before it was created (what it
  // left out of its batches).
  async function confirmed(baseUrl, keyFp, before) {
    const all = await request('readonly', (s) => s.getAll());
    const parts = [];
    let latest = null;
    for (const rec of all || []) {
      if (!valid(rec) || !PE.ledger.sameAccount(rec, baseUrl, keyFp)) continue;
      if (before && (rec.run === before.run || rec.created >= before.created)) continue;
      parts.push(rec.hashes);
      if (!latest || rec.created > latest.created) latest = { created: rec.created };
    }
    const hashes = parts.join('');
    return { hashes, count: hashes.length / 16, latest };
  }
  // "Clear history": the records of every run but these (run ids) are deleted.
  async function forget(keepRunIds) {
    const keep = new Set(keepRunIds);
    const all = await request('readonly', (s) => s.getAll());
    const gone = (all || []).filter((r) => !(r && keep.has(r.run))).map((r) => r && r.id).filter((id) => id !== undefined);
    if (gone.length) await request('readwrite', (s) => { for (const id of gone) s.delete(id); return null; });
  }

  PE.sent = { record, confirmed, forget };
})(window.PE);
