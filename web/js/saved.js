// What the user did with a file, kept in this browser (IndexedDB, idb.js) by the file's content
// fingerprint (the core's content_fingerprint): the cells they edited (each with the value it had
// when read), the rows they excluded (by 0-based row; a row past the file's end is left out) and
// their column choices. When the same file is read again, they are offered back
// ("Apply them" / "Discard them"); each edit is made only where the cell still holds the value it
// was made on (Session.setCells), so a changed file is never edited in the wrong place. Nothing
// else is kept: never the key, never the rows. Storage that is off or full only means nothing is
// offered back. Defines PE.saved.
'use strict';
(function (PE) {
  const { $, announce, showAlert } = PE.util;
  const { counted } = PE.words;
  const STORE = 'files';
  const KEEP = 50;          // files remembered, the most recently changed
  const SAVE_MS = 300;      // edits are written at most this often

  const request = (mode, fn) => PE.idb.request(STORE, mode, fn);
  const get = (fp) => request('readonly', (s) => s.get(fp));
  const remove = (fp) => request('readwrite', (s) => s.delete(fp));
  async function put(record) {
    await request('readwrite', (s) => s.put(record));
    // Only the most recent files are kept.
    const all = await request('readonly', (s) => s.getAll());
    if (all && all.length > KEEP) {
      all.sort((a, b) => (a.saved < b.saved ? 1 : -1));
      for (const old of all.slice(KEEP)) await remove(old.fingerprint);
    }
  }

  // The record of a record's shape, or null (anything else in storage is ignored). Records written
  // before rows could be excluded have no `excluded`: none.
  function valid(r) {
    const isCount = (v) => Number.isInteger(v) && v >= 0;
    if (r && typeof r === 'object' && r.excluded === undefined) r.excluded = [];
    return r && typeof r === 'object' && Array.isArray(r.excluded) && r.excluded.every(isCount) && typeof r.fingerprint === 'string' && Array.isArray(r.edits) && Array.isArray(r.overrides) &&
      r.edits.every((e) => e && isCount(e.row) && isCount(e.col) && typeof e.from === 'string' && typeof e.to === 'string') &&
      r.overrides.every((o) => o && typeof o.header === 'string' && typeof o.field === 'string') ? r : null;
  }

  // ---- remembering: after every edit, undo, redo or column choice (debounced) ----
  let timer = null;
  let current = null;       // {fingerprint, name} of the file loaded, while its work is remembered
  function remember() {
    if (!current) return;
    clearTimeout(timer);
    const file = current;
    timer = setTimeout(async () => {
      if (current !== file) return;
      const edits = PE.grid.edits();
      const overrides = PE.check.overrides();
      const excluded = PE.grid.exclusions();
      if (!edits.length && !overrides.length && !excluded.length) { await remove(file.fingerprint); return; }
      // titles: the rows are numbered after the title lines; exclusions (by row) hold only for the same header row.
      await put({ fingerprint: file.fingerprint, name: file.name, saved: new Date().toISOString(), edits, overrides, excluded, titles: PE.check.titleRecords() });
    }, SAVE_MS);
  }

  // ---- offering back, when a file is read ----
  let offered = null;       // the record offered
  function hideOffer() {
    offered = null;
    $('saved-edits').hidden = true;
  }
  // A file was read (fingerprint: its content's; name: as chosen). Its earlier work, if any, is
  // offered; from now on its work is remembered.
  async function fileRead(fingerprint, name) {
    hideOffer();
    clearTimeout(timer);
    current = fingerprint ? { fingerprint, name } : null;
    if (!current) return;
    const r = valid(await get(fingerprint));
    if (!r || (current && current.fingerprint !== fingerprint)) return;
    if (!r.edits.length && !r.overrides.length && !r.excluded.length) return;
    offered = r;
    const parts = [];
    if (r.edits.length) parts.push(counted(r.edits.length, 'edited cell'));
    if (r.excluded.length) parts.push(counted(r.excluded.length, 'excluded row'));
    if (r.overrides.length) parts.push(counted(r.overrides.length, 'column choice'));
    $('saved-edits-text').textContent = 'You worked on this file in this browser before: ' + parts.join(' and ') + ', last on ' +
      new Date(r.saved).toLocaleString() + '.';
    $('saved-edits').hidden = false;
    announce($('saved-edits-text').textContent + ' Use “Apply them” to make them again, or “Discard them”.');
  }
  // No file is loaded any more: nothing to remember.
  function fileGone() { hideOffer(); current = null; clearTimeout(timer); }

  $('saved-apply').addEventListener('click', async () => {
    const r = offered;
    if (!r || !current || current.fingerprint !== r.fingerprint) return;
    hideOffer();
    try {
      if (r.overrides.length) await PE.check.applyOverrides(r.overrides);
      let made = 0;
      if (r.edits.length) made = await PE.grid.applyChanges(r.edits.map((e) => ({ row: e.row, col: e.col, before: e.from, after: e.to })), 'your earlier edits');
      let excluded = 0;
      // Exclusions name rows by number: with another header row (title lines), the numbers name
      // other rows, so they are left out (edits check their cell's value themselves).
      const sameRows = !Number.isInteger(r.titles) || r.titles === PE.check.titleRecords();
      if (r.excluded.length && sameRows) excluded = await PE.grid.exclude(r.excluded, true, 'your earlier exclusions');
      const skipped = r.edits.length - made;
      const rowsText = counted(excluded, 'row') + ' excluded again' +
        (!sameRows ? ' (' + counted(r.excluded.length, 'row') + ' left out: they were excluded with another header row, so their numbers name other rows now)'
          : excluded < r.excluded.length ? ' (' + counted(r.excluded.length - excluded, 'row') + ' no longer in the file, or excluded already)' : '');
      const first = r.edits.length ? counted(made, 'earlier edit') + ' made again' : r.overrides.length || !r.excluded.length ? 'Column choices applied' : '';
      const text = (first || rowsText.charAt(0).toUpperCase() + rowsText.slice(1)) +
        (skipped ? '; ' + counted(skipped, 'edit') + ' left out, because ' + (skipped === 1 ? 'its cell no longer holds' : 'their cells no longer hold') + ' the value ' + (skipped === 1 ? 'it was' : 'they were') + ' made on' : '') +
        (first && r.excluded.length ? '; ' + rowsText : '') + '.' +
        (made || excluded ? ' Undo takes them back.' : '');
      $('read-status').textContent = text;
      announce(text);
      remember();
    } catch (e) {
      showAlert('Your earlier edits could not be applied: ' + PE.engine.wordsOf(e && e.message));
    }
  });
  $('saved-discard').addEventListener('click', async () => {
    const r = offered;
    hideOffer();
    if (r) await remove(r.fingerprint);
    announce('Your earlier edits of this file were discarded.');
  });

  PE.saved = { fileRead, fileGone, remember };
})(window.PE);
