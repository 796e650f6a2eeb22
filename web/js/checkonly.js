// The "check only" view: a file read without keeping its rows (the worker feeds it slice by slice
// to the module's CheckOnly, src/core/session.hpp), for exports too large for the interactive view
// or when the user asks for it. It shows the report as the worker gives it at the end: the summary,
// the file's findings, the problem groups, the first findings of the rows, the columns as mapped,
// and every finding as a CSV download. There are no rows to edit and nothing to send from here: the
// view says how to go on (split the file, or `enrich queue FILE`). Defines PE.checkonly.
'use strict';
(function (PE) {
  const { $, el, announce, download } = PE.util;
  const { fmt, counted, sizeText } = PE.words;
  let findingsCsv = null;   // a Blob: every finding, gathered by the worker
  let fileName = '';


  function clear() {
    $('check-only').hidden = true;
    for (const id of ['co-summary', 'co-file-findings', 'co-problems', 'co-findings', 'co-columns']) $(id).replaceChildren();
    $('check-only-about').textContent = '';
    findingsCsv = null;
  }

  // r: the worker's answer (the module's CheckOnlyState JSON, with findings_csv, total_bytes, ms).
  // why: the words for the choice of this mode (too large, or chosen).
  function show(r, name, why) {
    clear();
    fileName = name;
    $('check-only').hidden = false;
    $('empty-state').hidden = true;
    PE.steps.set('check', true);
    const s = r.summary;
    const read = s ? counted(s.rows, 'row') + ' of ' + name + ' (' + sizeText(r.total_bytes) + ') read in ' + (r.ms / 1000).toFixed(1) + ' s' +
      (r.ms > 0 ? ', ' + (r.bytes / 1e6 / (r.ms / 1000)).toFixed(0) + ' MB/s' : '') + '.' : '';
    const next = 'Its rows were checked as they were read and not kept, so they cannot be edited or sent from this page: fix them in your ' +
      'spreadsheet, or split the file into parts under 500 MB to work on them here; to queue it as it is, use the enrich command-line tool ' +
      '(`enrich queue FILE`), which streams it too.';
    $('check-only-about').textContent = [why, read, r.ok ? next : ''].filter(Boolean).join(' ');
    if (!r.ok && r.error) $('co-file-findings').append(el('li', { class: 'error', text: r.error }));
    if (s) PE.check.fillSummary($('co-summary'), $('co-file-findings'), s, r.file_findings);
    else for (const f of r.file_findings || []) $('co-file-findings').append(el('li', { class: f.severity, text: f.message }));
    const groups = r.problems || [];
    for (const g of groups) $('co-problems').append(PE.check.groupItem(g));
    if (!groups.length && s) $('co-problems').append(el('li', { class: 'info', text: 'No problems in the rows read.' }));
    for (const f of r.findings || []) {
      $('co-findings').append(el('tr', { class: f.severity },
        el('td', { text: f.row == null ? '' : fmt(f.row) }), el('td', { text: f.line == null ? '' : fmt(f.line) }),
        el('td', { text: f.field || '' }), el('td', { text: f.message })));
    }
    const shown = (r.findings || []).length;
    $('co-findings-h').textContent = r.findings_total > shown ? 'First ' + fmt(shown) + ' of ' + counted(r.findings_total, 'finding') : 'Findings';
    for (const c of r.columns || []) {
      $('co-columns').append(el('tr', { class: c.field === null ? 'ignored' : '' },
        el('th', { scope: 'row', text: c.header || '(no header)' }), el('td', { text: c.field === null ? 'ignored' : c.field }), el('td', { text: c.note || '' })));
    }
    findingsCsv = r.findings_csv || null;
    $('co-download').disabled = !findingsCsv;
    $('co-download-about').textContent = findingsCsv ? counted(r.findings_total + (r.file_findings || []).length, 'finding') + ', ' + sizeText(findingsCsv.size) + '.' : 'No findings.';
    if (s) announce('Checked ' + counted(s.rows, 'row') + ': ' + fmt(s.valid) + ' valid, ' + fmt(s.invalid) + ' invalid, ' + counted(s.duplicates, 'duplicate') + '.');
  }

  $('co-download').addEventListener('click', () => {
    if (findingsCsv) download(fileName.replace(/\.[^.]*$/, '') + '-findings.csv', findingsCsv);
  });

  PE.checkonly = { show, clear, shown: () => !$('check-only').hidden };
})(window.PE);
