// The input: pasted text, a chosen file, a file dropped anywhere on the page, the sample export,
// and the encoding and delimiter choices (a re-read of the same bytes). One load at a time: a
// second request while one runs waits for it, then the newest one wins. Defines PE.input.
'use strict';
(function (PE) {
  const { $, showAlert } = PE.util;
  const { counted } = PE.words;
  const { REQUEST } = PE.protocol;
  const { call, wordsOf } = PE.engine;
  // The module keeps a few copies of the input in its memory (at most 2 GB): stay well below.
  const MAX_BYTES = 300e6;
  let lastBytes = null;       // the input, to re-read with other encoding/delimiter
  let inputName = 'pasted.csv';
  let fromFile = false;       // the loaded input came from a file (upload or drop), not the text box
  let loading = null;         // the load in progress
  let queuedLoad = null;      // the arguments of the load asked for meanwhile

  function sizeText(n) { return n >= 1e6 ? (n / 1e6).toFixed(1) + ' MB' : n >= 1e3 ? Math.round(n / 1e3) + ' kB' : n + ' bytes'; }

  // reread: the same bytes read again with another encoding or delimiter, so the user's column
  // choices are kept; any other load starts from the detected mapping.
  async function loadBytes(bytes, name, reread) {
    if (loading) { queuedLoad = [bytes, name, reread]; return loading; }
    if (PE.queue.running()) { showAlert('A queue run is in progress: wait for it to finish, or cancel it, before loading another file.'); return; }
    if (!reread) PE.check.newFile();
    lastBytes = bytes;
    inputName = name || 'pasted.csv';
    const choices = { encoding: $('encoding').value, delimiter: $('delimiter').value };
    const copy = bytes.slice(0);
    const started = performance.now();
    $('read-status').textContent = 'Reading ' + inputName + ' (' + sizeText(bytes.byteLength) + ')…';
    $('validate-btn').disabled = true;
    loading = (async () => {
      try {
        await PE.engine.ready;   // a module that could not start says why, here
        // The module's LoadOptions, as it reads them (snake_case).
        const options = Object.assign({ batch_size: PE.settings.batchSize() }, choices);
        await PE.check.take(await call(REQUEST.load, { bytes: copy, options }, [copy]), reread);
        // A new file is shown whole: the row filter goes back to "All rows" (a re-read keeps it).
        if (!reread && PE.check.usable() && $('row-filter').value !== 'all') {
          $('row-filter').value = 'all';
          $('row-filter').dispatchEvent(new Event('change'));
        }
        await PE.check.show(true);
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        const s = PE.check.summary();
        $('read-status').textContent = s ? 'Read ' + counted(s.rows, 'row') + ' of ' + inputName + ' in ' + secs + ' s.' : '';
      } catch (e) {
        // Whatever was shown belongs to the previous file: it must not pass for this one.
        PE.check.drop();
        $('read-status').textContent = '';
        showAlert('The file could not be read: ' + wordsOf(e && e.message));
      } finally {
        loading = null;
        $('validate-btn').disabled = false;
      }
    })();
    await loading;
    if (queuedLoad) { const [b, n, r] = queuedLoad; queuedLoad = null; await loadBytes(b, n, r); }
  }
  function loadText() {
    const text = $('csv-text').value;
    // Nothing pasted but a file loaded: "Validate" checks that file again (same bytes and choices).
    if (!text.trim() && fromFile && lastBytes) return loadBytes(lastBytes, inputName, true);
    if (!text.trim()) { showAlert('Paste CSV text with a header row first, or choose a file.'); return; }
    $('file-name').textContent = '';
    fromFile = false;
    return loadBytes(new TextEncoder().encode(text).buffer, 'pasted.csv');
  }
  async function loadFile(file) {
    if (!file) return;
    if (!/\.(csv|tsv|txt)$/i.test(file.name) && file.type && !/^text\//.test(file.type)) {
      showAlert('“' + file.name + '” does not look like a CSV file. Choose a .csv, .tsv or .txt export.');
      return;
    }
    if (file.size > MAX_BYTES) {
      showAlert('“' + file.name + '” is ' + sizeText(file.size) + '; this page reads files up to ' + sizeText(MAX_BYTES) +
        '. Split the export into smaller files, or validate it with the enrich command-line tool.');
      return;
    }
    $('file-name').textContent = file.name + ' (' + sizeText(file.size) + ')';
    let bytes;
    try { bytes = await file.arrayBuffer(); } catch (e) {
      showAlert('“' + file.name + '” could not be read (' + (e.message || e.name) + '). Check that the file still exists and is not open in another program, then choose it again.');
      return;
    }
    fromFile = true;
    await loadBytes(bytes, file.name);
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
  for (const id of ['encoding', 'delimiter']) $(id).addEventListener('change', () => { if (lastBytes) loadBytes(lastBytes, inputName, true); });
  // Drag and drop anywhere on the page.
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) document.body.classList.remove('dragging'); });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) loadFile(f);
  });

  PE.input = { name: () => inputName };
})(window.PE);
