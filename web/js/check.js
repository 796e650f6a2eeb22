// The check of the loaded file: the document's state as the worker last gave it (the summary,
// columns, findings), the summary and file findings, the column mapping (the user's choices, kept
// across a re-read of the same file), the problems grouped by kind, and what is shown or hidden
// when a file is loaded, changed or dropped. Defines PE.check.
'use strict';
(function (PE) {
  const { $, el, announce, showAlert } = PE.util;
  const { fmt, credits, counted } = PE.words;
  const { REQUEST } = PE.protocol;
  const call = PE.engine.call;
  // The choices of a column: a field of the API, or IGNORE (an ignored column's field is null in the
  // module's answers; the core reads "ignore" in a column choice).
  const IGNORE = 'ignore';
  const FIELDS = ['email', 'first_name', 'last_name', 'full_name', 'linkedin_url', 'company_name', 'company_website', IGNORE];
  // Each field in plain words (the grid's "sent as" names a value by it).
  const NAMES = { email: 'Work email', first_name: 'First name', last_name: 'Last name', full_name: 'Full name',
    linkedin_url: 'LinkedIn profile URL', company_name: 'Company name', company_website: 'Company website' };
  // The choices of the mapping: each field in plain words with the API's name (email is the one every
  // prospect needs; a full name is split).
  const LABELS = { email: NAMES.email + ' (email, required)', full_name: NAMES.full_name + ', split into first and last (full_name)', [IGNORE]: 'ignored' };
  for (const f of FIELDS) if (!LABELS[f]) LABELS[f] = NAMES[f] + ' (' + f + ')';
  let stats = [];       // per column: {filled, samples} (the module's column_stats)
  let doc = null;       // the last state from the worker; null: no file loaded
  let overrides = [];   // the user's column choices: [{header: '#N', field}]

  // Empties everything shown of a file: summary, findings, problems, rows and batch plan.
  function clearView() {
    $('summary').replaceChildren();
    $('file-findings').replaceChildren();
    $('problems').replaceChildren();
    clearFixes();
    $('replace-col').replaceChildren();
    $('replace-count').textContent = '';
    PE.grid.clear();
    PE.dryrun.clear();
    PE.queue.showFile(null);
    $('detected').textContent = '';
  }
  // No file is loaded any more (a failed read, or the engine was restarted).
  function drop() {
    doc = null;
    PE.saved.fileGone();
    clearView();
    $('columns').replaceChildren();
    $('results').hidden = $('dryrun').hidden = $('export').hidden = true;
    $('queue').hidden = !PE.queue.hasRun();
    PE.queue.render();
  }

  // Shows the document as it now is. resetView: a new file (the rows scroll back to the top).
  async function show(resetView) {
    showAlert('');
    clearFixes();   // those of the document before: counted again below
    PE.input.showHeader(doc);
    if (!doc.ok) {
      showAlert(doc.error);
      announce('The file could not be used: ' + doc.error);
      // Only the columns are shown (to fix the mapping); nothing of an earlier file.
      clearView();
      $('results').hidden = !(doc.columns && doc.columns.length);
      $('dryrun').hidden = $('queue').hidden = $('export').hidden = true;
      if (doc.columns && doc.columns.length) { stats = await call(REQUEST.columnStats); renderColumns(); } else $('columns').replaceChildren();
      PE.queue.render();
      PE.steps.set('load');
      return;
    }
    $('empty-state').hidden = true;
    $('results').hidden = $('dryrun').hidden = $('queue').hidden = $('export').hidden = false;
    $('detected').textContent = 'Read as ' + doc.encoding + ', ' + doc.delimiter_name + '-separated' + (doc.delimiter_detected ? ' (detected)' : '');
    renderSummary();
    // A new file: on to its check, as its summary appears (not later: the user may have scrolled on).
    if (resetView) PE.steps.set('check', true);
    stats = await call(REQUEST.columnStats);
    renderColumns();
    renderReplaceColumns();
    await PE.grid.refresh(resetView);
    await refreshProblems();
    await PE.dryrun.refresh();
    PE.queue.render();
    // The bulk fixes come last, not awaited: counting them is a pass over every cell (about half a
    // second for a million rows), and the file is shown meanwhile.
    refreshFixes().catch(() => {});
    const s = doc.summary;
    announce(counted(s.rows, 'row') + ' read: ' + fmt(s.valid) + ' valid, ' + fmt(s.invalid) + ' invalid, ' + counted(s.duplicates, 'duplicate') + '.');
  }
  // After a cell was changed (grid.js): the new summary, then the plan and the problems.
  function takeSummary(summary) { doc.summary = summary; renderSummary(); }
  async function afterEdit() {
    await PE.dryrun.refresh();
    PE.queue.render();
    await refreshProblems();
    await refreshFixes();
    await previewReplace();
  }

  // The summary s into the list dl, and the file's findings (with the blank lines skipped) into ff:
  // for the loaded file and for the check-only view alike.
  function fillSummary(dl, ff, s, fileFindings) {
    const items = [
      ['Rows read', fmt(s.rows)], ['Valid', fmt(s.valid)], ['Invalid', fmt(s.invalid)], ['Duplicates', fmt(s.duplicates)],
      ['Rows with warnings', fmt(s.rows_with_warnings)], ['Batches', fmt(s.batches) + ' × up to ' + s.batch_size],
      ['Credit ceiling', credits(s.credits_max)],
    ];
    // Every row read is accounted for: the ones the user set aside are counted apart.
    if (s.excluded) items.splice(4, 0, ['Excluded by you', fmt(s.excluded)]);
    for (const [k, v] of items) dl.append(el('div', { class: 'stat' }, el('dt', { text: k }), el('dd', { text: v })));
    for (const f of fileFindings || []) ff.append(el('li', { class: f.severity, text: f.message }));
    if (s.blank_lines) ff.append(el('li', { class: 'info', text: counted(s.blank_lines, 'blank line') + (s.blank_lines === 1 ? ' was' : ' were') + ' skipped.' }));
  }
  function renderSummary() {
    $('summary').replaceChildren();
    $('file-findings').replaceChildren();
    fillSummary($('summary'), $('file-findings'), doc.summary, doc.file_findings);
    PE.queue.showFile(doc.summary);
  }

  function renderColumns() {
    const tb = $('columns');
    tb.replaceChildren();
    doc.columns.forEach((c, i) => {
      const sel = el('select', { 'aria-label': 'Field for column ' + (c.header || '#' + (i + 1)), 'data-col': String(i) });
      for (const f of FIELDS) sel.append(el('option', { value: f, text: LABELS[f] }));
      sel.value = c.field === null ? IGNORE : c.field;
      sel.addEventListener('change', async () => {
        const key = '#' + (i + 1);
        overrides = overrides.filter((o) => o.header !== key);
        overrides.push({ header: key, field: sel.value });
        doc = await call(REQUEST.remap, { overrides });
        await show(false);
        // The table was drawn again: the keyboard stays on this column's choice.
        const again = $('columns').querySelector('select[data-col="' + i + '"]');
        if (again) again.focus();
        PE.saved.remember();
        announce('Column “' + c.header + '” is now ' + (sel.value === IGNORE ? 'ignored' : 'sent as ' + sel.value) + '.');
      });
      const st = stats[i] || { filled: 0, samples: [] };
      const rows = doc.summary ? doc.summary.rows : 0;
      const filled = rows ? (st.filled === rows ? 'all' : fmt(st.filled) + ' of ' + fmt(rows) + ' (' + Math.round((100 * st.filled) / rows) + '%)') : '';
      // data-label: on a narrow screen each column is a card, its values labelled (style.css).
      tb.append(el('tr', { class: c.field === null ? 'ignored' : '', role: 'row' },
        el('th', { scope: 'row', role: 'rowheader', text: c.header || '(no header)' }), el('td', { role: 'cell', 'data-label': 'Sent as' }, sel),
        el('td', { role: 'cell', 'data-label': 'Filled', text: filled }),
        el('td', { class: 'samples', role: 'cell', 'data-label': 'Sample values', text: st.samples.join(' · ') }),
        el('td', { role: 'cell', 'data-label': 'Note', text: c.note || '' })));
    });
  }

  // A group's headline is its code's meaning, true of every row in it (the first row's message need
  // not be: "has 2 @ signs" is not true of "mary@"), with the messages of its first rows as examples.
  const headline = (g) => g.meaning.replace(/\s*\(the message says what is wrong\)/, '');
  // One problem group as a list item: "3 rows · email: <meaning> Row 1: <message> Row 2: <message>
  // (rows 1, 2, 4)", then `after` (a Show button; none in the check-only view).
  function groupItem(g, after) {
    const rows = 'row' + (g.count === 1 ? ' ' : 's ') + g.rows.map(fmt).join(', ') + (g.count > g.rows.length ? ', …' : '');
    const examples = (g.examples || []).map((m, i) => 'Row ' + fmt(g.rows[i]) + ': ' + m);
    return el('li', { class: g.severity },
      el('strong', { text: counted(g.count, 'row') + (g.field ? ' · ' + g.field : '') + ': ' }), headline(g) + ' ',
      el('span', { class: 'examples', text: examples.join(' ') + ' ' }),
      '(' + rows + ')' + (after ? ' ' : ''), after || null);
  }
  // The row filter of one group: an extra choice of "Show rows", made when a group's rows are shown.
  function showGroup(g) {
    const select = $('row-filter');
    let option = select.querySelector('option[data-group]');
    if (!option) { option = el('option', { 'data-group': '' }); select.append(option); }
    option.value = 'code:' + g.code;
    option.textContent = 'Rows with: ' + headline(g).replace(/\.$/, '') + ' (' + fmt(g.count) + ')';
    select.value = option.value;
    select.dispatchEvent(new Event('change'));
    $('grid').focus();
  }
  // A new file: the group's choice goes (the code may not be in it).
  function dropGroupFilter() {
    const option = $('row-filter').querySelector('option[data-group]');
    if (!option) return;
    if ($('row-filter').value === option.value) { $('row-filter').value = 'all'; $('row-filter').dispatchEvent(new Event('change')); }
    option.remove();
  }

  // The problems of the file, grouped, above the rows: nothing needs a hover to be seen. Each group
  // shows the rows with that problem.
  async function refreshProblems() {
    const list = $('problems');
    list.replaceChildren();
    if (!doc || !doc.ok) return;
    const groups = await call(REQUEST.problems);
    for (const g of groups.slice(0, 12)) {
      const showRows = el('button', { type: 'button', class: 'link', text: 'Show', 'aria-label': 'Show the ' + counted(g.count, 'row') + ' of this group' });
      showRows.addEventListener('click', () => showGroup(g));
      const excludeRows = el('button', { type: 'button', class: 'link', text: 'Exclude these ' + counted(g.count, 'row'),
        'aria-label': 'Exclude the ' + counted(g.count, 'row') + ' of this group (' + headline(g).replace(/\.$/, '') + '): kept and marked, not sent' });
      excludeRows.addEventListener('click', () => excludeWhich('code:' + g.code, counted(g.count, 'row') + ' with: ' + headline(g).replace(/\.$/, '') + ' excluded', 'problems'));
      const actions = el('span', { class: 'group-actions' }, showRows, ' ', excludeRows);
      list.append(groupItem(g, actions));
    }
    if (groups.length > 12) list.append(el('li', { class: 'hint', text: (groups.length - 12) + ' more kinds of problem: see the rows below.' }));
  }

  // Rows set aside at once ('invalid', or 'code:<code>' for a problem group), as one step of the undo
  // history: they stay in the file and the grid (filter "Excluded rows"), out of the batches.
  async function excludeWhich(which, label, list) {
    const rows = await call(REQUEST.excludeRows, { which });
    const made = await PE.grid.exclude(rows, true, label);
    keepFocus(list);
    announce(counted(made, 'row') + ' excluded: kept and marked, but not sent. Undo takes them back; the filter “Excluded rows” lists them.');
  }
  // After a fix or an exclusion whose button went as its list was drawn again: the keyboard goes to
  // the list's first button, else to the check's heading, not back to the top of the page.
  function keepFocus(list) {
    const a = document.activeElement;
    if (a && a !== document.body && a.isConnected && !a.disabled) return;
    const next = $(list).querySelector('button:not([disabled])');
    if (next) { next.focus(); return; }
    $('summary-h').tabIndex = -1;
    $('summary-h').focus();
  }

  // Bulk fixes the core offers for the file as it now is, each with how many cells it changes; made
  // at once, and undone at once (the grid's undo history).
  function fixText(f) {
    if (f.fix === 'exclude_invalid') {
      return ['Exclude ' + counted(f.count, 'row') + ' that cannot be sent (invalid or duplicate): ' + (f.count === 1 ? 'it is' : 'they are') + ' kept and marked, and left out of the batches and the cleaned CSV.', 'Exclude them', 'rows that cannot be sent excluded'];
    }
    if (f.fix === 'lower_email_domain') {
      return ['Lower-case the domain of ' + counted(f.count, 'email') + ' (Jared@PiedPiper.COM becomes Jared@piedpiper.com; the part before the @ is kept).', 'Lower-case them', 'email domains lower-cased'];
    }
    if (f.fix === 'split_name') {
      return ['Split ' + counted(f.count, 'full name') + ' into the empty first and last names (the first word is the first name, the rest the last name; “Last, First” is turned round; a single word is a first name).', 'Split them', 'full names split into first and last name'];
    }
    if (f.fix === 'website_from_email') {
      return ['Fill ' + counted(f.count, 'empty company website') + ' with the domain of the row\'s email (not for email providers such as gmail.com).', 'Fill them', 'empty company websites filled from the email'];
    }
    if (f.fix === 'clear_linkedin') {
      return ['Clear ' + counted(f.count, 'LinkedIn value') + ' that ' + (f.count === 1 ? 'is' : 'are') + ' not a person\'s profile (company pages, Sales Navigator links…): they are left out of the requests anyway.', 'Clear them', 'LinkedIn values that are not profiles cleared'];
    }
    if (f.fix === 'clear_website') {
      return ['Clear ' + counted(f.count, 'website value') + ' that ' + (f.count === 1 ? 'is' : 'are') + ' not a company\'s site (social pages, IP addresses…): they are left out of the requests anyway.', 'Clear them', 'website values that are not company sites cleared'];
    }
    const m = /^trim:(\d+)$/.exec(f.fix);
    if (!m) return null;
    const header = (doc.columns[Number(m[1])] || {}).header || 'column ' + (Number(m[1]) + 1);
    return ['Trim the spaces of ' + counted(f.count, 'cell') + ' of “' + header + '” (at the ends, and doubled inside).', 'Trim them', 'spaces trimmed in “' + header + '”'];
  }
  // The newest count asked for is the one shown (an older answer that comes later is dropped).
  let fixesSeq = 0;
  function clearFixes() {
    fixesSeq++;
    $('fixes').replaceChildren();
    $('fixes-h').hidden = true;
  }
  async function refreshFixes() {
    const seq = ++fixesSeq;
    const list = $('fixes');
    if (!doc || !doc.ok) { clearFixes(); return; }
    const fixes = await call(REQUEST.fixes);
    if (seq !== fixesSeq) return;
    list.replaceChildren();
    for (const f of fixes) {
      const t = fixText(f);
      if (!t) continue;
      const [text, button, label] = t;
      const b = el('button', { type: 'button', class: 'link', text: button, 'aria-label': button + ': ' + text });
      b.addEventListener('click', async () => {
        if (f.fix === 'exclude_invalid') { await excludeWhich('invalid', label, 'fixes'); return; }
        const changes = await call(REQUEST.fixChanges, { fix: f.fix });
        const made = await PE.grid.applyChanges(changes.map((c) => ({ row: c.row, col: c.col, before: c.from, after: c.to })), label);
        keepFocus('fixes');
        announce(counted(made, 'cell') + ' changed: ' + label + '. Undo takes them back.');
      });
      list.append(el('li', { class: 'info' }, text + ' ', b));
    }
    $('fixes-h').hidden = list.childElementCount === 0;
  }

  // Find and replace in a column: the count of cells it would change is shown as the form is filled
  // in; Replace makes them, as one step of the undo history.
  function renderReplaceColumns() {
    const sel = $('replace-col');
    const keep = sel.value;
    sel.replaceChildren(...doc.columns.map((c, i) => el('option', { value: String(i), text: (c.header || 'column ' + (i + 1)) + (c.field === null ? ' (ignored)' : '') })));
    if (keep && Number(keep) < doc.columns.length) sel.value = keep;
    previewReplace();
  }
  const replaceArgs = () => ({ col: Number($('replace-col').value), find: $('replace-find').value, replace: $('replace-with').value,
    wholeCell: $('replace-whole').checked, matchCase: $('replace-case').checked });
  let replaceSeq = 0;
  async function previewReplace() {
    const seq = ++replaceSeq;
    const a = replaceArgs();
    const out = $('replace-count');
    if (!doc || !doc.ok || !doc.columns.length) { out.textContent = ''; $('replace-btn').disabled = true; return; }
    if (!a.find && !a.wholeCell) { out.textContent = 'Type what to find (or tick “Whole cell only” to fill the empty cells).'; $('replace-btn').disabled = true; return; }
    let count;
    try {
      ({ count } = await call(REQUEST.replaceChanges, { ...a, countOnly: true }));
    } catch (e) {
      if (seq !== replaceSeq) return;
      out.textContent = 'The cells to change could not be counted: ' + PE.engine.wordsOf(e && e.message) + ' Try again, or reload the page.';
      $('replace-btn').disabled = true;
      return;
    }
    if (seq !== replaceSeq) return;
    out.textContent = count ? counted(count, 'cell') + ' would change.' : 'No cell would change.';
    $('replace-btn').disabled = !count || PE.queue.running();
  }
  for (const id of ['replace-col', 'replace-find', 'replace-with', 'replace-whole', 'replace-case']) {
    $(id).addEventListener('input', () => { previewReplace(); });
    $(id).addEventListener('change', () => { previewReplace(); });
  }
  $('replace-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!doc || !doc.ok) return;
    const a = replaceArgs();
    const header = (doc.columns[a.col] || {}).header || 'column ' + (a.col + 1);
    const label = (a.wholeCell ? 'cells “' + a.find + '”' : '“' + a.find + '”') + ' replaced with “' + a.replace + '” in “' + header + '”';
    const changes = await call(REQUEST.replaceChanges, a);
    const made = await PE.grid.applyChanges(changes.map((c) => ({ row: c.row, col: c.col, before: c.from, after: c.to })), label);
    // Replace is disabled now (nothing left to change): the keyboard goes back to what to find.
    if (document.activeElement === document.body || document.activeElement === $('replace-btn')) $('replace-find').focus();
    announce(counted(made, 'cell') + ' changed: ' + label + '. Undo takes them back.');
  });

  // A file was read (input.js). reread: the same bytes read again with another encoding or
  // delimiter, so the user's column choices are applied again; any other load starts from the
  // detected mapping (newFile, as it starts).
  function newFile() { overrides = []; dropGroupFilter(); }
  async function take(state, reread) {
    doc = state;
    if (reread && overrides.length && doc.columns && doc.columns.length) doc = await call(REQUEST.remap, { overrides });
  }
  // Column choices remembered for this file (saved.js), applied again.
  async function applyOverrides(list) {
    overrides = list.slice();
    doc = await call(REQUEST.remap, { overrides });
    await show(false);
  }
  // The batch size changed in Settings: the document's batches follow.
  async function batchSizeChanged() {
    if (!doc) return;
    doc = await call(REQUEST.setBatchSize, { batchSize: PE.settings.batchSize() });
    await show(false);
  }

  PE.check = {
    newFile, take, show, drop, takeSummary, afterEdit, batchSizeChanged, groupItem, fillSummary,
    loaded: () => doc !== null,
    usable: () => !!(doc && doc.ok),
    summary: () => (doc && doc.ok ? doc.summary : null),
    columns: () => doc.columns,
    overrides: () => overrides.slice(),
    fingerprint: () => (doc && doc.ok ? doc.fingerprint || '' : ''),
    // Title lines read before the header: the rows are numbered after them.
    titleRecords: () => (doc && doc.ok ? doc.title_records || 0 : 0),
    applyOverrides,
    label: (field) => NAMES[field] || field,
  };
})(window.PE);
