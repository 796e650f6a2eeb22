// The input: pasted text, a chosen file, a file dropped anywhere on the page, the sample export,
// and the encoding, delimiter and header row choices (a re-read of the same input). The worker reads the File
// (or a Blob of the text) in slices: the page holds no copy. One load at a time: a second request
// while one runs waits for it, then the newest one wins. Files over interactiveMax (500 MB), or any file
// with "Check only" ticked, are checked as they are read (PE.checkonly shows the report); the
// others are loaded whole for the interactive view (PE.check). An Excel workbook (.xlsx) is read
// by the worker as the CSV text of one sheet: the first, or the one chosen in the sheet list
// (shown when it has more than one). Defines PE.input.
'use strict';
(function (PE) {
  const { $, el, showAlert } = PE.util;
  const { counted, sizeText } = PE.words;
  const { REQUEST } = PE.protocol;
  const { call, wordsOf } = PE.engine;
  // The interactive view keeps the file's cells and findings in the module's memory (at most 2 GB),
  // about three times the file's size: larger files are checked as they are read ("check only").
  let interactiveMax = 500e6;
  let lastSource = null;      // the input (a File, or a Blob of the pasted text), to re-read with other choices
  let inputName = 'pasted.csv';
  let fromFile = false;       // the loaded input came from a file (upload or drop), not the text box
  let loading = null;         // the load in progress
  let resetHeaderChoice = () => {};  // set with the header row's change handler
  let queuedLoad = null;      // the arguments of the load asked for meanwhile
  let sheet = '';             // the sheet of a workbook to read ('' = the first)
  let sheetNote = '';         // ' (sheet “X” of the workbook)' once a workbook's sheet is read
  let fileLine = '';          // the chosen file's name and size, as the file line shows it

  // The workbook's sheets in the sheet list (shown only when there is a choice to make).
  function showSheets(workbook) {
    const sheets = (workbook && workbook.sheets) || [];
    sheetNote = workbook && workbook.sheet != null ? ' (sheet “' + workbook.sheet + '” of the workbook)' : '';
    $('sheet-row').hidden = sheets.length < 2;
    $('sheet-choice').replaceChildren(...sheets.map((n) => {
      const o = document.createElement('option');
      o.value = o.textContent = n;
      return o;
    }));
    if (workbook && workbook.sheet != null) $('sheet-choice').value = workbook.sheet;
    if (fromFile) $('file-name').textContent = fileLine + sheetNote;
    $('sheet-hint').textContent = workbook && workbook.sheet != null && sheets.length > 1
      ? 'This workbook has ' + sheets.length + ' sheets; “' + workbook.sheet + '” was read. Choose another to read it instead.' : '';
  }


  // While the worker reads the file: a bar, bytes, rows and speed.
  PE.engine.onProgress((p) => {
    if (!loading) return;
    const bar = $('read-progress');
    bar.hidden = false;
    bar.max = p.total || 1;
    bar.value = p.bytes;
    const secs = p.ms / 1000;
    const rate = secs > 0.2 ? ' · ' + (p.bytes / 1e6 / secs).toFixed(0) + ' MB/s' : '';
    const rows = p.rows != null ? ' · ' + counted(p.rows, 'row') : '';
    $('read-status').textContent = (p.phase === 'read' ? 'Reading ' : 'Checking ') + inputName + ': ' +
      sizeText(p.bytes) + ' of ' + sizeText(p.total) + rows + rate + (p.bytes >= p.total && p.rows == null ? ' · checking the rows…' : '');
  });
  $('read-cancel').addEventListener('click', () => { call(REQUEST.cancelCheck).catch(() => {}); $('read-cancel').disabled = true; });

  // source: a File or Blob, read by the worker in slices. reread: the same input read again with
  // another encoding or delimiter, so the user's column choices are kept; any other load starts
  // from the detected mapping. A file over interactiveMax, or any file when "Check only" is
  // chosen, is checked as it is read (checkOnly).
  async function load(source, name, reread) {
    if (loading) { queuedLoad = [source, name, reread]; return loading; }
    if (PE.queue.running()) { showAlert('A queue run is in progress: wait for it to finish, or cancel it, before loading another file.'); return; }
    const tooLarge = source.size > interactiveMax;
    const streamed = tooLarge || $('check-only-choice').checked;
    if (!reread) PE.check.newFile();
    if (source !== lastSource) { sheet = ''; showSheets(null); }
    lastSource = source;
    inputName = name || 'pasted.csv';
    // A new file starts with its header detected; a re-read keeps the header chosen.
    if (!reread) resetHeaderChoice();
    const headerRow = $('header-row').value;
    const choices = { encoding: $('encoding').value, delimiter: $('delimiter').value, header_skip: headerRow === 'auto' ? -1 : Number(headerRow) };
    const started = performance.now();
    $('read-status').textContent = (streamed ? 'Checking ' : 'Reading ') + inputName + ' (' + sizeText(source.size) + ')…';
    $('validate-btn').disabled = true;
    $('read-cancel').hidden = !streamed;
    $('read-cancel').disabled = false;
    loading = (async () => {
      try {
        await PE.engine.ready;   // a module that could not start says why, here
        // The module's LoadOptions, as it reads them (snake_case).
        const options = Object.assign({ batch_size: PE.settings.batchSize(), sheet }, choices);
        PE.grid.resetEdits();   // the edits were made on the cells of the input as read before
        // A file checked as it was read: its report, and why it was not loaded to edit.
        const showChecked = (r, why) => {
          showSheets(r.workbook);
          PE.checkonly.show(r, inputName + sheetNote, r.stopped ? 'Cancelled.' : why);
          showHeader(r);
          if (!r.ok && !r.stopped) showAlert(r.error);
          $('read-status').textContent = r.summary ? (r.stopped ? 'Cancelled after ' : 'Checked ') + counted(r.summary.rows, 'row') + ' of ' + inputName + sheetNote +
            ' in ' + ((performance.now() - started) / 1000).toFixed(1) + ' s.' : '';
        };
        if (streamed) {
          PE.check.drop();   // the interactive view's file is gone from the module
          const r = await call(REQUEST.checkOnly, { file: source, options });
          showChecked(r, tooLarge ? inputName + ' is ' + sizeText(source.size) + ': larger than the ' + sizeText(interactiveMax) +
            ' the page can hold to edit, so it was checked as it was read.' : '“Check only” is chosen, so the file was checked as it was read.');
          return;
        }
        PE.checkonly.clear();
        const state = await call(REQUEST.load, { file: source, options, interactiveMax });
        if (state.checked_only) {
          // A workbook whose sheet, as CSV text, is larger than the page can hold to edit.
          PE.check.drop();
          showChecked(state, 'The sheet of ' + inputName + ' is ' + sizeText(state.checked_only.csv_bytes) + ' as CSV text: larger than the ' +
            sizeText(interactiveMax) + ' the page can hold to edit, so it was checked as it was read.');
          return;
        }
        showSheets(state.workbook);
        await PE.check.take(state, reread);
        // A new file is shown whole: the row filter goes back to "All rows" (a re-read keeps it).
        if (!reread && PE.check.usable() && $('row-filter').value !== 'all') {
          $('row-filter').value = 'all';
          $('row-filter').dispatchEvent(new Event('change'));
        }
        await PE.check.show(true);
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        const s = PE.check.summary();
        $('read-status').textContent = s ? 'Read ' + counted(s.rows, 'row') + ' of ' + inputName + sheetNote + ' in ' + secs + ' s.' : '';
        // The user's earlier work on this same file is offered back (saved.js).
        await PE.saved.fileRead(PE.check.fingerprint(), inputName);
      } catch (e) {
        // Whatever was shown belongs to the previous file: it must not pass for this one.
        PE.check.drop();
        PE.checkonly.clear();
        showSheets(null);
        $('read-status').textContent = '';
        const memory = /more memory than the page can use/.test(String(e && e.message));
        showAlert('The file could not be read: ' + wordsOf(e && e.message) +
          (memory && !streamed ? ' Or tick “Check only” and choose it again: the page then checks it without keeping its rows.' : ''));
      } finally {
        loading = null;
        $('validate-btn').disabled = false;
        $('read-progress').hidden = true;
        $('read-cancel').hidden = true;
      }
    })();
    await loading;
    if (queuedLoad) { const [b, n, r] = queuedLoad; queuedLoad = null; await load(b, n, r); }
  }
  // What a re-read would discard, in words ('' when nothing): the cell edits and the excluded rows,
  // both made on the rows as read before.
  function workLost() {
    const n = PE.grid.editCount(), x = PE.grid.excludedCount();
    const parts = [n ? counted(n, 'edited cell') : '', x ? counted(x, 'excluded row') : ''].filter(Boolean);
    return parts.length ? 'your ' + parts.join(' and ') : '';
  }
  function loadText() {
    const text = $('csv-text').value;
    // Nothing pasted but a file loaded: "Validate" checks that file again (same bytes and choices);
    // edits made since would be lost, so the user is asked first.
    if (!text.trim() && fromFile && lastSource) {
      const lost = workLost();
      if (!lost) return load(lastSource, inputName, true);
      PE.queue.confirm('Check the file again?', 'Reading ' + inputName + ' again discards ' + lost +
        '. To keep them, choose Back and download the cleaned CSV first.', 'Read again, without the edits', () => load(lastSource, inputName, true));
      return;
    }
    if (!text.trim()) { showAlert('Paste CSV text with a header row first, or choose a file.'); return; }
    $('file-name').textContent = '';
    fromFile = false;
    return load(new Blob([text], { type: 'text/csv' }), 'pasted.csv');
  }
  async function loadFile(file) {
    if (!file) return;
    const saveAs = 'Open it in Excel (or the program that made it) and save it as CSV (File → Save As → CSV UTF-8) or as an Excel Workbook (.xlsx), then load that file.';
    if (/\.xls$/i.test(file.name)) {
      showAlert('“' + file.name + '” is an old Excel workbook (.xls), which this page does not read. ' + saveAs);
      return;
    }
    if (!/\.(csv|tsv|txt|xlsx)$/i.test(file.name) && file.type && !/^text\//.test(file.type)) {
      showAlert('“' + file.name + '” does not look like a CSV file or an Excel .xlsx workbook. Choose a .csv, .tsv, .txt or .xlsx export. ' + saveAs);
      return;
    }
    fileLine = file.name + ' (' + sizeText(file.size) + ')';
    $('file-name').textContent = fileLine;
    fromFile = true;
    await load(file, file.name);
  }
  $('validate-btn').addEventListener('click', loadText);
  $('sample-btn').addEventListener('click', () => { $('csv-text').value = PE.sampleCsv; loadText(); });
  // The input is emptied once its file is taken, so choosing the same (re-saved) file again is a
  // change too.
  $('file-input').addEventListener('change', () => {
    const f = $('file-input').files[0];
    $('file-input').value = '';
    loadFile(f);
  });
  // Another encoding or delimiter reads the input again: the cell edits, made on the cells as read
  // before, would be lost, so the user is asked first (and told how to keep them).
  for (const id of ['encoding', 'delimiter', 'header-row']) {
    const sel = $(id);
    let previous = sel.value;
    if (id === 'header-row') resetHeaderChoice = () => { sel.replaceChildren(el('option', { value: 'auto', text: 'Detect' })); previous = sel.value = 'auto'; $('header-note').textContent = ''; };
    sel.addEventListener('change', () => {
      if (!lastSource) { previous = sel.value; return; }
      const lost = workLost();
      const chosen = sel.value;
      if (!lost) { previous = chosen; load(lastSource, inputName, true); return; }
      sel.value = previous;   // unchanged until confirmed
      PE.queue.confirm('Read the file again?', 'Reading ' + inputName + ' again with another ' + id.replace('-', ' ') + ' discards ' +
        lost + ', made on the rows as read before. To keep them, choose Back and download the cleaned CSV first.',
      'Read again, without the edits', () => { sel.value = chosen; previous = chosen; return load(lastSource, inputName, true); });
    });
  }
  // Another sheet of the workbook: read it instead (a new table, so the column choices start afresh);
  // cell edits of the sheet shown would be lost, so the user is asked first.
  $('sheet-choice').addEventListener('change', () => {
    const chosen = $('sheet-choice').value;
    if (!lastSource || chosen === sheet) return;
    const lost = workLost();
    const read = () => { sheet = chosen; return load(lastSource, inputName, false); };
    if (!lost) { read(); return; }
    $('sheet-choice').value = sheet || $('sheet-choice').options[0].value;   // unchanged until confirmed
    PE.queue.confirm('Read another sheet?', 'Reading the sheet “' + chosen + '” discards ' + lost +
      '. To keep them, choose Back and download the cleaned CSV first.', 'Read it, without the edits', () => { $('sheet-choice').value = chosen; return read(); });
  });
  // Drag and drop anywhere on the page.
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) document.body.classList.remove('dragging'); });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) loadFile(f);
  });

  // The header row: the first records of the file as read (state.previews), to choose the header
  // among them; "Detect" keeps what the module found. Said next to it: the title lines skipped above
  // the header, or, when the file has no email column, that the header may be on another line.
  function showHeader(state) {
    const sel = $('header-row');
    const previews = (state && state.previews) || [];
    const chosen = sel.value;
    const skipped = (state && state.title_records) || 0;
    const options = [el('option', { value: 'auto', text: 'Detect' })];
    previews.forEach((p, i) => {
      const text = p.text.length > 90 ? p.text.slice(0, 89) + '…' : p.text;
      options.push(el('option', { value: String(i), text: 'Line ' + p.line + ': ' + (text || '(empty)') }));
    });
    sel.replaceChildren(...options);
    sel.value = chosen !== 'auto' && Number(chosen) < previews.length ? chosen : 'auto';
    const header = previews[skipped];
    let note = '';
    if (skipped > 0 && header) {
      note = 'Header on line ' + header.line + ': ' + (skipped === 1 ? 'the line above it was skipped as a title line' : 'the ' + skipped + ' lines above it were skipped as title lines') +
        ' (' + previews.slice(0, skipped).map((p) => '“' + (p.text.length > 40 ? p.text.slice(0, 39) + '…' : p.text) + '”').join(', ') + ').';
    } else if (state && !state.ok && previews.length > 1) {
      note = 'If the header is not on line ' + (previews[skipped] ? previews[skipped].line : 1) + ', choose the line it is on here.';
    }
    $('header-note').textContent = note;
  }

  PE.input = {
    showHeader,
    name: () => inputName,
    // The name without its extension, for the names of the exports ("crm.csv" -> "crm-report.csv").
    stem: () => inputName.replace(/\.[^.]*$/, '') || 'prospects',
    // For the browser tests only: a lower limit, so that a small file stands for one over 500 MB.
    setInteractiveMax: (n) => { interactiveMax = n; },
  };
})(window.PE);
