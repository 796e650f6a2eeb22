// The rows of the loaded file as a virtual grid: #grid is the one scroll container (both
// directions); its header row is sticky. Only the rows in view (plus a margin) exist in the DOM;
// they are fetched from the worker by visible position, under the row filter. Columns: Row, Status,
// Problems (every finding of the row, reachable by keyboard as column -1), then the file's columns
// in the order that matters (shownColumns): the email column first, pinned beside the row numbers
// when the view scrolls sideways, the other mapped columns next, and the ignored ones last, collapsed
// (left out) until the user shows them. A cell's data-col is its column in the file (0..n-1) whatever
// its place. Where a sent row's value is changed on the way (trimmed, domain lower-cased, a path
// dropped, a full name split), the cell shows it beside the value as read ("→ as sent"). The focused
// cell's whole value, problems and sent value are written out under the grid, untruncated. Keyboard
// moves, and editing a cell in place. Defines PE.grid.
//
// Any number of rows. A browser will not make an element taller than about 33.5 million px (17.9 in
// Firefox), so a spacer of total * ROW_H px cannot hold more than ~1,048,000 rows (Firefox ~559,000):
// the scrollbar would end before the last row. Positions in the rows' own height (total * ROW_H) are
// "virtual" y; scrollTop is "physical". While the rows fit under MAX_SPACER_PX the two are the same,
// exactly as for any scrolled list (offset 0). Past it the grid is "tall": the spacer stays at
// MAX_SPACER_PX and the virtual y at the view's top is scrollTop + offset, where
//  - a small scroll (wheel, arrow keys, Page Up/Down, a click in the scrollbar's track: less than a
//    view's height between two scroll events) keeps the offset, so the rows move pixel for pixel as
//    the browser scrolls them, a row's worth at a time, never thousands of rows;
//  - a bigger jump (dragging the thumb, scrollTop set by a script) sets the offset from the proportion
//    toVirtual(scrollTop): 0 is the first row, the largest scrollTop the last screen, linear between,
//    except a few screens at each end that map 1:1 (there the small scrolls reach the ends exactly);
//  - once a scroll has ended (scrollend), scrollTop is moved to toPhysical(the view's virtual top) and
//    the offset changed by as much, so the rows stay where they are on screen while the thumb again
//    says where they are in the file (a drift of under a thumb's pixel per wheel turn), and small
//    scrolls that ran the scrollbar into an end have room to go on;
//  - a keyboard move or a cell scrolled into view picks the virtual top it needs and sets scrollTop
//    the same way (setViewTop): exact, the offset takes the rounding.
// Rows are placed at pos * ROW_H - offset in the spacer, i.e. beside the view whatever their number.
'use strict';
(function (PE) {
  const { $, el, announce, showAlert } = PE.util;
  const { counted } = PE.words;
  const { REQUEST } = PE.protocol;
  const call = PE.engine.call;
  const ROW_H = 32;
  // The spacer's (and so the scrollbar's) largest height in px. Browsers clamp an element's height
  // (Chromium and WebKit at 33,554,431 px, their largest layout unit; Firefox at 17,895,697 px): well
  // under both, with room for the header. More rows than fit: see "tall" at the top of this file.
  const MAX_SPACER_PX = 15000000;
  const W = { rownum: 64, status: 150, problems: 320, cell: 190 };
  const FILTER_EMPTY = { all: 'This file has a header row but no prospect rows.', errors: 'No rows with errors.',
    warnings: 'No rows with warnings.', valid: 'No valid rows.', excluded: 'No rows are excluded.' };
  let filter = 'all';
  let total = 0;              // rows under the filter
  const cache = new Map();    // visible position -> row object
  let generation = 0;         // counts the times the cache was emptied (new rows, filter, edit)
  let cursor = null;          // {pos, col} of the cell the keyboard is on
  let scrollFrame = null;     // a render is due at the next animation frame
  let spacerCap = MAX_SPACER_PX;  // lower only in tests (setSpacerCap)
  let offset = 0;             // virtual y of the view's top minus scrollTop: 0 unless tall
  let lastTop = 0;            // scrollTop when the offset was last brought up to date
  let settleTimer = null;     // browsers without scrollend: settle() after the scroll events stop
  let described = null;       // {row, col} of the cell #cell-info is about, written again as rows are redrawn
  let showIgnored = false;    // the ignored columns shown (the user's choice, kept from file to file)
  let shown = { order: [], email: -1, ignored: 0 };  // shownColumns() as of the last renderHead
  const FLAT = { tall: false, P: 0, smax: 0, vmax: 0, zone: 0 };
  let geom = FLAT;            // the mapping the offset belongs to (measure())

  const CELL_INFO = $('cell-info').textContent;   // what it says while no cell is focused
  // The line under the grid back to that (no cell, or its cell gone).
  function forgetDescribed() {
    described = null;
    $('cell-info').textContent = CELL_INFO;
  }
  function clear() {
    forgetDescribed();
    cache.clear();
    generation++;
    total = 0;
    cursor = null;
    offset = 0;
    lastTop = 0;
    geom = FLAT;
    $('grid-body').classList.remove('tall');
    for (const n of [...$('grid-body').querySelectorAll('.grid-row')]) n.remove();
    $('grid-head').replaceChildren();
    shown = { order: [], email: -1, ignored: 0 };
    $('ignored-toggle').hidden = true;
    $('grid-spacer').style.height = '0px';
    $('row-count').textContent = '';
    $('grid-empty').hidden = true;
  }

  // reset: back to the top, with no cell under the keyboard.
  async function refresh(reset) {
    cache.clear();
    generation++;
    const r = await call(REQUEST.rows, { filter, start: 0, count: 0 });
    total = r.total;
    $('row-count').textContent = total ? counted(total, 'row') : FILTER_EMPTY[filter] || 'No rows in this group any more.';
    $('grid-empty').textContent = total ? '' : FILTER_EMPTY[filter] || 'No rows in this group any more.';
    $('grid-empty').hidden = !!total;
    if (reset) { setViewTop(0); cursor = null; forgetDescribed(); }
    if (cursor && cursor.pos >= total) cursor = null;
    // The Row column fits the file's largest row number (64 px up to 4 digits, see style.css).
    const summary = PE.check.summary();
    $('grid').style.setProperty('--rownum-digits', String(String(summary ? summary.rows : total).length));
    renderHead();
    await render();
  }
  const columns = () => PE.check.columns();
  // A column named for the user: its header, or its place when it has none.
  const headerOf = (i) => (columns()[i] && columns()[i].header) || 'column ' + (i + 1);
  // The file's columns in the grid's order: the email column, the other mapped columns, then the
  // ignored ones if shown (each in file order); with the email column and the count of ignored ones.
  function shownColumns() {
    const cols = columns();
    const email = cols.findIndex((c) => c.field === 'email');
    const mapped = [], ignored = [];
    cols.forEach((c, i) => { if (i !== email) (c.field === null ? ignored : mapped).push(i); });
    return { order: (email >= 0 ? [email] : []).concat(mapped, showIgnored ? ignored : []), email, ignored: ignored.length };
  }
  // The columns the keyboard moves through, left to right: Problems (-1), then the file's as shown.
  const keyColumns = () => [-1].concat(shown.order);
  // The rows' width: the header's cells as the style sheet sizes them (narrower on a phone).
  function rowWidth() {
    let w = 0;
    for (const c of $('grid-head').children) w += c.offsetWidth;
    return w || W.rownum + W.status + W.problems + W.cell * shown.order.length;
  }
  function renderHead() {
    shown = shownColumns();
    // A column hidden since (ignored by a new mapping, or the ignored ones hidden): the keyboard's
    // cell goes to Problems, and Revert cell no longer names a cell that cannot be seen.
    if (cursor && cursor.col >= 0 && !shown.order.includes(cursor.col)) cursor.col = -1;
    if (revertTarget && !shown.order.includes(revertTarget.col)) { revertTarget = null; showEditCount(); }
    const head = $('grid-head');
    head.replaceChildren(el('div', { class: 'cell rownum', role: 'columnheader', text: 'Row' }),
      el('div', { class: 'cell status', role: 'columnheader', text: 'Status' }),
      el('div', { class: 'cell problems', role: 'columnheader', text: 'Problems' }));
    for (const i of shown.order) {
      const c = columns()[i];
      const what = c.field === null ? 'ignored: not sent' : 'sent as ' + PE.check.label(c.field);
      head.append(el('div', { class: 'cell' + (i === shown.email ? ' pinned' : '') + (c.field === null ? ' ignored' : ''), role: 'columnheader',
        text: c.header || '(' + headerOf(i) + ')', title: headerOf(i) + ': ' + what }));
    }
    $('grid').setAttribute('aria-colcount', String(shown.order.length + 3));
    // A cell scrolled into view stops right of the sticky Row and email columns, not under them.
    const pinned = head.querySelector('.pinned');
    $('grid').style.setProperty('--pinned-w', (pinned ? pinned.offsetWidth : 0) + 'px');
    // The line under the grid about a cell whose column is now hidden says nothing stale.
    if (described && +described.col >= 0 && !shown.order.includes(+described.col)) forgetDescribed();
    const t = $('ignored-toggle');
    t.hidden = !shown.ignored;
    t.textContent = (showIgnored ? 'Hide the ' : 'Show the ') + counted(shown.ignored, 'ignored column');
    t.setAttribute('aria-pressed', String(showIgnored));
  }
  // Shows or hides the ignored columns; the keyboard's cell moves to Problems if its column goes.
  $('ignored-toggle').addEventListener('click', async () => {
    showIgnored = !showIgnored;
    renderHead();
    await render();
    announce(showIgnored ? counted(shown.ignored, 'ignored column') + ' shown after the mapped ones.' : 'The ignored columns are hidden.');
  });

  // The scroll mapping of the rows as they are now sized: tall or not, the spacer's height P, the
  // largest scrollTop smax and the largest virtual top vmax (the last screen), and the zone at each end
  // where the two move together.
  function measure() {
    const g = $('grid');
    const V = total * ROW_H;
    const P = Math.min(V, spacerCap);
    const smax = Math.max(0, g.scrollHeight - g.clientHeight);
    const vmax = Math.max(0, V - (P - smax));   // P - smax: the rows' part of the view
    return { tall: V > spacerCap, P, smax, vmax, zone: Math.min(smax / 4, 10 * g.clientHeight) };
  }
  // Physical scrollTop -> virtual y of the view's top, and back (tall grid).
  function toVirtual(s, m) {
    const z = m.zone;
    if (m.smax <= 0) return 0;
    if (s <= z) return s;
    if (s >= m.smax - z) return m.vmax - (m.smax - s);
    return z + (s - z) * (m.vmax - 2 * z) / (m.smax - 2 * z);
  }
  function toPhysical(v, m) {
    const z = m.zone;
    if (m.smax <= 0) return 0;
    if (v <= z) return v;
    if (v >= m.vmax - z) return m.smax - (m.vmax - v);
    return z + (v - z) * (m.smax - 2 * z) / (m.vmax - 2 * z);
  }
  // The virtual y at the top of the view, under the header.
  function viewTop() {
    const s = $('grid').scrollTop;
    return geom.tall ? Math.min(geom.vmax, Math.max(0, s + offset)) : s;
  }
  // Shows virtual y v at the top of the view, exactly.
  function setViewTop(v) {
    const g = $('grid');
    if (!geom.tall) { g.scrollTop = v; offset = 0; lastTop = g.scrollTop; return; }
    v = Math.round(Math.min(geom.vmax, Math.max(0, v)));
    g.scrollTop = Math.round(toPhysical(v, geom));
    lastTop = g.scrollTop;
    offset = v - lastTop;
    place();
    schedule();   // scrollTop may not have changed (no scroll event), the view did
  }
  // Where a row goes in the spacer; place() moves the shown rows after the offset changed.
  const rowTop = (pos) => pos * ROW_H - offset;
  function place() {
    for (const n of $('grid-body').querySelectorAll('.grid-row')) n.style.top = rowTop(+n.getAttribute('aria-rowindex') - 2) + 'px';
  }
  // After a scroll has ended: the thumb back where the proportion puts the rows shown (they stay).
  function settle() { if (geom.tall) setViewTop(viewTop()); }
  // Sizes the spacer for the rows under the filter, before the rows in view are counted (a new file's
  // first render used to count them in the empty grid's height: a dozen rows, the view's foot blank).
  // When that changed the mapping (the row count, the spacer cap, the view's height) of a tall grid,
  // the view keeps its virtual top.
  function layout() {
    const keep = viewTop();
    const wasTall = geom.tall;
    const spacer = $('grid-spacer');
    spacer.style.height = Math.min(total * ROW_H, spacerCap) + 'px';
    spacer.style.width = rowWidth() + 'px';
    // Rows beside the view may reach past the capped spacer's end: clipped, they cannot make it taller.
    $('grid-body').classList.toggle('tall', total * ROW_H > spacerCap);
    const m = measure();
    const changed = m.tall !== geom.tall || m.P !== geom.P || m.smax !== geom.smax || m.vmax !== geom.vmax;
    geom = m;
    if (changed && (m.tall || wasTall)) setViewTop(keep);
  }
  function viewRange() {
    const g = $('grid');
    const headH = $('grid-head').offsetHeight;
    const first = Math.max(0, Math.floor(Math.max(0, viewTop() - headH) / ROW_H) - 5);
    return { first, count: Math.ceil(g.clientHeight / ROW_H) + 10 };
  }
  async function render() {
    const body = $('grid-body');
    const gen = generation;
    layout();
    let { first, count } = viewRange();
    // While rows are fetched the view can move (a scroll, Ctrl+End), and a later render whose rows
    // were all cached can draw it first. So the rows drawn are those of the view as it is once they
    // are here, fetched again if it moved: a render that waited never draws an older view over a newer
    // one. Rows fetched before the cache was emptied are not kept: that refresh renders on its own.
    for (let tries = 0; tries < 4; tries++) {
      const last = Math.min(total, first + count);
      let missing = false;
      for (let i = first; i < last; i++) if (!cache.has(i)) { missing = true; break; }
      if (!missing) break;
      const r = await call(REQUEST.rows, { filter, start: first, count });
      if (gen !== generation) return;
      r.rows.forEach((row, k) => cache.set(first + k, row));
      if (cache.size > 2000) for (const k of cache.keys()) { if (k < first - 200 || k > first + count + 200) cache.delete(k); }
      layout();
      ({ first, count } = viewRange());
    }
    const last = Math.min(total, first + count);
    // Rows are re-created on scroll: keep keyboard focus on the same cell when it is still shown.
    const active = document.activeElement;
    const focused = active && body.contains(active) && active.dataset && active.dataset.col != null
      ? { pos: active.dataset.pos, col: active.dataset.col } : null;
    for (const n of [...body.querySelectorAll('.grid-row')]) n.remove();
    for (let i = first; i < last; i++) {
      const row = cache.get(i);
      if (row) body.append(renderRow(row, i));
    }
    $('grid').setAttribute('aria-rowcount', String(total + 1));
    // The cell written out under the grid may have changed (an exclusion, an undo, a fix): again.
    if (described) {
      const again = body.querySelector('[data-row="' + described.row + '"][data-col="' + described.col + '"]');
      if (again) describe(again);
    }
    if (focused) {
      // The cell is gone when the view jumped far: keep focus in the grid, not on the page.
      const want = cursor || focused;
      const again = cellAt(want.pos, want.col);
      (again || $('grid')).focus({ preventScroll: true });
    }
  }
  const cellAt = (pos, col) => $('grid-body').querySelector('[data-pos="' + pos + '"][data-col="' + col + '"]');
  function renderRow(row, pos) {
    const byCol = {};
    for (const f of row.findings) {
      if (f.field === null) continue;   // not tied to a field: shown under Problems only
      const col = columns().findIndex((c) => c.field === f.field || (f.field === 'first_name' && c.field === 'full_name'));
      if (col >= 0) (byCol[col] = byCol[col] || []).push(f);
    }
    const checked = row.status === 'duplicate' ? 'duplicate of row ' + row.duplicate_of : row.status;
    // An excluded row says so first; what its checks say stays visible.
    const statusText = row.excluded ? 'excluded by you (' + checked + ')' : checked;
    const div = el('div', { class: 'grid-row ' + row.status + (row.excluded ? ' excluded' : ''), role: 'row', 'aria-rowindex': String(pos + 2), style: 'top:' + rowTop(pos) + 'px' },
      el('div', { class: 'cell rownum', role: 'rowheader', text: String(row.row), title: 'row ' + row.row + ', line ' + row.line }),
      el('div', { class: 'cell status ' + (row.excluded ? 'excluded-row' : row.status), role: 'gridcell', text: statusText, title: statusText }));
    // Problems: errors first; the whole list on hover, focus and in the accessible description.
    const sorted = row.findings.slice().sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    const problems = el('div', { class: 'cell problems', role: 'gridcell', tabindex: '-1', 'data-pos': String(pos), 'data-row': String(row.index), 'data-col': '-1',
      text: sorted.length ? sorted[0].message + (sorted.length > 1 ? ' (+' + (sorted.length - 1) + ' more)' : '') : '' });
    if (sorted.length) decorate(problems, sorted, '');
    div.append(problems);
    const sentBy = {};
    for (const x of row.sent || []) (sentBy[x.col] = sentBy[x.col] || []).push(x);
    for (const c of shown.order) {
      const v = row.cells[c] === undefined ? '' : row.cells[c];
      const cell = el('div', { class: 'cell' + (c === shown.email ? ' pinned' : ''), role: 'gridcell', tabindex: '-1', 'data-pos': String(pos), 'data-row': String(row.index), 'data-col': String(c), text: v });
      if (byCol[c]) decorate(cell, byCol[c], v); else if (v) cell.title = v;
      if (sentBy[c]) sentAs(cell, sentBy[c]);
      const original = edited.get(row.index + ':' + c);
      if (original !== undefined) {
        cell.classList.add('edited');
        cell.title = (cell.title ? cell.title + '\n' : '') + 'edited; was “' + original + '”';
      }
      div.append(cell);
    }
    return div;
  }
  // The value a cell is sent as, beside it (a second line drawn by the style sheet from data-sent, so
  // the cell's text stays the value as read) and in its title and description.
  function sentAs(cell, sent) {
    const words = sent.map((x) => (x.value === '' ? PE.check.label(x.field) + ' left out' : PE.check.label(x.field) + ' “' + x.value + '”')).join(', ');
    cell.dataset.sent = sent.length > 1 ? sent.map((x) => x.value).join(' · ') : sent[0].value === '' ? '(left out)' : sent[0].value;
    cell.classList.add('has-sent');
    cell.title = (cell.title ? cell.title + '\n' : '') + 'sent as ' + words;
    const d = cell.getAttribute('aria-description');
    cell.setAttribute('aria-description', (d ? d + '\n' : '') + 'Sent as ' + words + '.');
  }
  function decorate(cell, findings, value) {
    const sev = findings.some((f) => f.severity === 'error') ? 'has-error' : 'has-warning';
    cell.classList.add(sev);
    const msg = findings.map((f) => f.severity + ': ' + f.message).join('\n');
    cell.title = (value ? value + '\n' : '') + msg;
    cell.setAttribute('aria-description', msg);
    cell.dataset.findings = findings.map((f) => f.code).join(' ');
  }
  function schedule() {
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => { scrollFrame = null; render(); });
  }
  $('grid').addEventListener('scroll', () => {
    const g = $('grid');
    if (geom.tall) {
      const s = g.scrollTop;
      // More than a view at once: the thumb was dragged (or a script jumped): go by the proportion.
      if (Math.abs(s - lastTop) > g.clientHeight) { offset = Math.round(toVirtual(s, geom)) - s; place(); }
      lastTop = s;
      if (!('onscrollend' in g)) { clearTimeout(settleTimer); settleTimer = setTimeout(settle, 150); }
    }
    schedule();
  });
  $('grid').addEventListener('scrollend', settle);
  $('row-filter').addEventListener('change', () => { filter = $('row-filter').value; refresh(true); });

  // Moves keyboard focus to the cell at a visible position and column, scrolling it into view.
  async function focusCell(pos, col) {
    if (!total) return;
    pos = Math.max(0, Math.min(total - 1, pos));
    col = Math.max(-1, Math.min(columns().length - 1, col));
    const g = $('grid');
    const headH = $('grid-head').offsetHeight;
    const top = pos * ROW_H, bottom = top + ROW_H;
    const v = viewTop();
    if (top < v) setViewTop(top);
    else if (bottom > v + g.clientHeight - headH) setViewTop(bottom - g.clientHeight + headH);
    let cell = cellAt(pos, col);
    if (!cell) {
      await render();
      // A newer move may have been made meanwhile: it wins.
      if (cursor && (cursor.pos !== pos || cursor.col !== col)) return;
      cell = cellAt(pos, col);
    }
    if (cell) { cell.focus({ preventScroll: true }); cell.scrollIntoView({ block: 'nearest', inline: 'nearest' }); }
  }
  // Where a key moves the cursor from {pos, col}, or undefined for a key that does not move it.
  // Left and right go through the columns as shown (keyColumns).
  function moveFor(e, pos, col) {
    const page = Math.max(1, Math.floor(($('grid').clientHeight - $('grid-head').offsetHeight) / ROW_H) - 1);
    const keys = keyColumns();
    const k = Math.max(0, keys.indexOf(col));
    const at = (i) => keys[Math.max(0, Math.min(keys.length - 1, i))];
    return {
      ArrowDown: [pos + 1, col], ArrowUp: [pos - 1, col], ArrowLeft: [pos, at(k - 1)], ArrowRight: [pos, at(k + 1)],
      PageDown: [pos + page, col], PageUp: [pos - page, col],
      Home: e.ctrlKey ? [0, col] : [pos, keys[0]], End: e.ctrlKey ? [total - 1, col] : [pos, keys[keys.length - 1]],
    }[e.key];
  }
  // Keyboard: arrows, Page Up/Down, Home/End (Ctrl: first/last row) move; Enter or F2 edits.
  $('grid').addEventListener('keydown', (e) => {
    const cur = document.activeElement;
    if (cur && cur.tagName === 'INPUT') return;
    // The cursor is where the last move went (rendering may lag behind keys pressed quickly).
    if (!cursor) {
      if (['ArrowDown', 'ArrowRight', 'Enter', 'Home'].includes(e.key)) {
        e.preventDefault();
        cursor = { pos: Math.floor(Math.max(0, viewTop() - $('grid-head').offsetHeight) / ROW_H), col: keyColumns()[Math.min(1, shown.order.length)] };
        focusCell(cursor.pos, cursor.col);
      }
      return;
    }
    const { pos, col } = cursor;
    const move = moveFor(e, pos, col);
    if (move) {
      e.preventDefault();
      cursor = { pos: Math.max(0, Math.min(total - 1, move[0])), col: Math.max(-1, Math.min(columns().length - 1, move[1])) };
      focusCell(cursor.pos, cursor.col);
    } else if ((e.key === 'Enter' || e.key === 'F2') && col >= 0 && cur.dataset && +cur.dataset.pos === pos && +cur.dataset.col === col) {
      e.preventDefault();
      editCell(cur, +cur.dataset.row, col, pos);
    }
  });
  $('grid-body').addEventListener('dblclick', (e) => {
    const cell = e.target.closest('.cell[data-col]');
    if (cell && +cell.dataset.col >= 0) editCell(cell, +cell.dataset.row, +cell.dataset.col, +cell.dataset.pos);
  });
  $('grid-body').addEventListener('focusin', (e) => {
    const cell = e.target.closest('.cell');
    if (cell && cell.dataset.col != null) cursor = { pos: +cell.dataset.pos, col: +cell.dataset.col };
    if (cell && cell.dataset.row != null && cell.dataset.col != null) revertTarget = { row: +cell.dataset.row, col: +cell.dataset.col };
    showEditCount();
    if (cell && cell.dataset.col != null && e.target.tagName !== 'INPUT') describe(cell);
    if (cell && cell.getAttribute('aria-description')) announce(cell.getAttribute('aria-description'));
  });
  // The focused cell written out under the grid: its row and column, its whole value, its problems,
  // what it is sent as, and its value as read if edited. (Its title says the same on hover.)
  function describe(cell) {
    const col = +cell.dataset.col;
    described = { row: cell.dataset.row, col: cell.dataset.col };
    const row = cell.closest('.grid-row');
    const num = row ? row.querySelector('.rownum').textContent : String(+cell.dataset.row + 1);
    const lines = [];
    if (col < 0) lines.push('Row ' + num + ', problems' + (cell.getAttribute('aria-description') ? ':' : ': none.'));
    else {
      const c = columns()[col];
      lines.push('Row ' + num + ', ' + headerOf(col) + ': “' + cell.textContent + '”' + (c && c.field === null ? ' (ignored: not sent)' : ''));
    }
    if (cell.getAttribute('aria-description')) lines.push(cell.getAttribute('aria-description'));
    const original = col >= 0 ? edited.get(cell.dataset.row + ':' + col) : undefined;
    if (original !== undefined) lines.push('Edited; the file had “' + original + '”.');
    $('cell-info').textContent = lines.join('\n');
  }

  // The cell edits of this file, for undo and redo (Ctrl+Z; Ctrl+Shift+Z or Ctrl+Y; the buttons by
  // the rows): {row, col, before, after}. Edited cells are marked with their value as read. A new
  // file, or the same file read again, starts without them (resetEdits).
  // An entry is one cell {row, col, before, after}, or many made at once {cells: [...], label}
  // (edits offered back, a bulk fix), undone and redone as one.
  const undoStack = [];
  const redoStack = [];
  const edited = new Map();   // 'row:col' -> the value as read
  const values = new Map();   // 'row:col' -> the value now, for the edited cells
  // The cell "Revert cell" acts on: the last cell of the grid that had the focus ("Exclude row" acts
  // on its row).
  let revertTarget = null;
  // The rows this file has excluded (the document's: a load starts with none, and every exclusion,
  // its undo and redo go through setExcluded below), remembered with the edits (saved.js).
  const excludedRows = new Set();
  const revertable = () => revertTarget && edited.has(revertTarget.row + ':' + revertTarget.col);
  // Exclude row is as wide as its longer label, and Undo and Redo as wide as with a two-digit count,
  // so that moving between rows or making an edit does not rewrap the toolbar and move the grid
  // under the pointer (a double-click would land on another row). Measured once they are shown (a
  // hidden button has no width).
  const WIDEST = { 'exclude-btn': ['Exclude row', 'Include row again'], 'undo-btn': ['Undo (88)'], 'redo-btn': ['Redo (88)'] };
  function fitToolbar() {
    for (const [id, labels] of Object.entries(WIDEST)) {
      const b = $(id);
      if (b.style.minWidth || !b.offsetWidth) continue;
      const text = b.textContent;
      let widest = 0;
      for (const t of labels) { b.textContent = t; widest = Math.max(widest, b.offsetWidth); }
      b.textContent = text;
      b.style.minWidth = widest + 'px';
    }
  }
  function showEditCount() {
    fitToolbar();
    $('undo-btn').disabled = !undoStack.length || PE.queue.running();
    $('redo-btn').disabled = !redoStack.length || PE.queue.running();
    $('revert-btn').disabled = !revertable() || PE.queue.running();
    $('revert-btn').setAttribute('aria-label', revertable()
      ? 'Revert row ' + (revertTarget.row + 1) + ', ' + (columns()[revertTarget.col] ? columns()[revertTarget.col].header : 'cell') + ' to “' + edited.get(revertTarget.row + ':' + revertTarget.col) + '” as read'
      : 'Revert cell (focus an edited cell first)');
    const ex = revertTarget && excludedRows.has(revertTarget.row);
    $('exclude-btn').disabled = !revertTarget || PE.queue.running();
    $('exclude-btn').textContent = ex ? 'Include row again' : 'Exclude row';
    $('exclude-btn').setAttribute('aria-label', !revertTarget ? 'Exclude row (focus a cell of the row first)'
      : (ex ? 'Include row ' + (revertTarget.row + 1) + ' again' : 'Exclude row ' + (revertTarget.row + 1) + ': kept, marked and not sent'));
    $('undo-btn').textContent = 'Undo' + (undoStack.length ? ' (' + undoStack.length + ')' : '');
    $('redo-btn').textContent = 'Redo' + (redoStack.length ? ' (' + redoStack.length + ')' : '');
  }
  function resetEdits() {
    revertTarget = null;
    undoStack.length = 0;
    redoStack.length = 0;
    edited.clear();
    values.clear();
    excludedRows.clear();
    showEditCount();
  }
  const editCount = () => edited.size;   // cells that differ from the file as read
  const excludedCount = () => excludedRows.size;
  // The cells that differ from the file as read: {row, col, from (as read), to (now)}.
  const edits = () => [...edited].map(([key, from]) => {
    const [row, col] = key.split(':').map(Number);
    return { row, col, from, to: values.get(key) };
  });
  // Sets a cell (the row is checked again at once) and shows the result; false when refused.
  // saved() runs as soon as the module has the value, before anything is shown: the undo history
  // is up to date by the time the new summary can be seen.
  async function setValue(row, col, value, saved) {
    const r = await call(REQUEST.setCell, { row, col, value });
    if (r.ok === false) { showAlert(r.error); return false; }
    saved();
    PE.check.takeSummary(r.summary);
    const fs = r.row.findings;
    announce('Row ' + (row + 1) + ' is ' + r.row.status + (fs.length ? ': ' + fs.map((f) => f.message).join(' ') : '.'));
    await refresh(false);
    await PE.check.afterEdit();
    return true;
  }
  // A cell set from `before` to `after` as a new step of the undo history; false when refused.
  function editStep(row, col, before, after) {
    return setValue(row, col, after, () => {
      undoStack.push({ row, col, before, after });
      redoStack.length = 0;
      noteEdit(row, col, before, after);
      showEditCount();
    });
  }
  function noteEdit(row, col, before, after) {
    const key = row + ':' + col;
    if (!edited.has(key)) edited.set(key, before);
    values.set(key, after);
    if (edited.get(key) === after) { edited.delete(key); values.delete(key); }
    PE.saved.remember();
  }
  // Many cells at once ({row, col, before, after} each; each made only where the cell still holds
  // `before`), as one entry of the undo history named by label. Resolves with how many were made.
  async function setMany(cells, redo) {
    const r = await call(REQUEST.setCells, { changes: cells.map((c) => ({ row: c.row, col: c.col, from: redo ? c.before : c.after, to: redo ? c.after : c.before })) });
    const made = r.made_at.map((k) => cells[k]);
    for (const c of made) noteEdit(c.row, c.col, redo ? c.before : c.after, redo ? c.after : c.before);
    PE.check.takeSummary(r.summary);
    return { made, summary: r.summary };
  }
  // Rows excluded (exclude true) or included again; resolves with the rows that changed.
  async function setExcluded(rows, exclude) {
    const r = await call(REQUEST.setExcluded, { rows, excluded: exclude });
    const made = r.made_at.map((k) => rows[k]);
    for (const row of made) { if (exclude) excludedRows.add(row); else excludedRows.delete(row); }
    PE.check.takeSummary(r.summary);
    PE.saved.remember();
    return made;
  }
  // Rows excluded or included again as one step of the undo history named by label; resolves with
  // how many changed.
  async function exclude(rows, excludeThem, label) {
    if (PE.queue.running()) { announce('Editing is off while a queue run is in progress.'); return 0; }
    const made = await setExcluded(rows, excludeThem);
    if (made.length) {
      undoStack.push({ rows: made, exclude: excludeThem, label });
      redoStack.length = 0;
    }
    showEditCount();
    await refresh(false);
    await PE.check.afterEdit();
    return made.length;
  }
  async function applyChanges(cells, label) {
    if (PE.queue.running()) { announce('Editing is off while a queue run is in progress.'); return 0; }
    const { made } = await setMany(cells, true);
    if (made.length) {
      undoStack.push({ cells: made, label });
      redoStack.length = 0;
    }
    showEditCount();
    await refresh(false);
    await PE.check.afterEdit();
    return made.length;
  }
  // One at a time, in the order pressed: a Ctrl+Z pressed while the previous one is being applied
  // waits for it (else it would find the stack not yet updated).
  let undoing = Promise.resolve();
  function undoOrRedo(redo) {
    undoing = undoing.then(() => applyUndoOrRedo(redo), () => applyUndoOrRedo(redo));
    return undoing;
  }
  async function applyUndoOrRedo(redo) {
    if (PE.queue.running()) { announce('Editing is off while a queue run is in progress.'); return; }
    const from = redo ? redoStack : undoStack;
    const e = from.pop();
    if (!e) { announce(redo ? 'Nothing to redo.' : 'Nothing to undo.'); showEditCount(); return; }
    if (e.rows) {
      // An exclusion: undo includes the rows again (or excludes those included again), redo repeats it.
      const made = await setExcluded(e.rows, redo ? e.exclude : !e.exclude);
      if (made.length) (redo ? undoStack : redoStack).push({ rows: made, exclude: e.exclude, label: e.label });
      showEditCount();
      await refresh(false);
      await PE.check.afterEdit();
      announce((redo ? 'Redone: ' : 'Undone: ') + e.label + ' (' + counted(made.length, 'row') + ').');
      return;
    }
    if (e.cells) {
      // Only the cells still as the entry left them change back; the entry keeps those.
      const { made } = await setMany(e.cells, redo);
      if (made.length) (redo ? undoStack : redoStack).push({ cells: made, label: e.label });
      showEditCount();
      await refresh(false);
      await PE.check.afterEdit();
      announce((redo ? 'Redone: ' : 'Undone: ') + e.label + ' (' + counted(made.length, 'cell') + ').');
      return;
    }
    const value = redo ? e.after : e.before;
    const done = await setValue(e.row, e.col, value, () => {
      (redo ? undoStack : redoStack).push(e);
      noteEdit(e.row, e.col, redo ? e.before : e.after, value);
      showEditCount();
    });
    if (!done) { from.push(e); return; }
    await render();
    announce((redo ? 'Redone' : 'Undone') + ': row ' + (e.row + 1) + ', ' + headerOf(e.col) + ' is “' + value + '” again.');
  }
  // An edited cell back to its value as read, as one more step of the undo history.
  $('revert-btn').addEventListener('click', async () => {
    if (!revertable() || PE.queue.running()) return;
    const { row, col } = revertTarget;
    const key = row + ':' + col;
    const before = values.get(key), after = edited.get(key);
    if (!await editStep(row, col, before, after)) return;
    await render();
    const same = $('grid-body').querySelector('[data-row="' + row + '"][data-col="' + col + '"]');
    if (same) same.focus({ preventScroll: true });
    announce('Row ' + (row + 1) + ', ' + headerOf(col) + ' is “' + after + '” again, as read.');
  });
  // The row of the cell last focused, excluded or included again, as a step of the undo history.
  $('exclude-btn').addEventListener('click', async () => {
    if (!revertTarget || PE.queue.running()) return;
    const { row } = revertTarget;
    const again = excludedRows.has(row);
    const made = await exclude([row], !again, again ? 'row ' + (row + 1) + ' included again' : 'row ' + (row + 1) + ' excluded');
    showEditCount();
    if (made) announce(again ? 'Row ' + (row + 1) + ' is included again: it is checked and sent like the others.'
      : 'Row ' + (row + 1) + ' is excluded: kept and marked, but not sent. Undo, or “Include row again”, takes it back.');
  });
  $('undo-btn').addEventListener('click', () => undoOrRedo(false));
  $('redo-btn').addEventListener('click', () => undoOrRedo(true));
  // Ctrl+Z in the page undoes the grid's last edit (the browser's own undo would act on the last
  // text field it remembers, such as the API key); in a text field it stays that field's undo.
  document.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const k = e.key.toLowerCase();
    const redo = (k === 'z' && e.shiftKey) || (k === 'y' && !e.shiftKey);
    if (k !== 'z' && !redo) return;
    const t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
    if ($('results').hidden) return;
    e.preventDefault();
    undoOrRedo(redo);
  });

  // Edits a cell in place: Enter or leaving the field saves (the row is checked again at once),
  // Escape cancels. Afterwards focus returns to the same row if it is still shown under the filter,
  // else to the same position.
  function editCell(cell, row, col, pos) {
    if (PE.queue.running()) { announce('Editing is off while a queue run is in progress.'); return; }
    const input = el('input', { type: 'text', class: 'cell-edit', 'aria-label': 'Edit ' + (columns()[col].header || 'cell') + ', row ' + (row + 1) });
    const before = cell.textContent;   // as shown: an input's value would lose line breaks
    input.value = before;
    cell.classList.remove('has-sent');   // its second line would be drawn over the field
    cell.replaceChildren(input);
    input.focus();
    input.select();
    let done = false;
    const refocus = () => {
      const same = $('grid-body').querySelector('[data-row="' + row + '"][data-col="' + col + '"]');
      if (same) same.focus({ preventScroll: true }); else focusCell(pos, col);
    };
    const finish = async (save) => {
      if (done) return;
      done = true;
      const after = input.value;
      if (!save || after === before) { await render(); refocus(); return; }
      if (!await editStep(row, col, before, after)) return;
      await render();
      refocus();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      else if (e.key === 'Escape') { e.preventDefault(); finish(false); }
      e.stopPropagation();
    });
    input.addEventListener('blur', () => finish(true));
  }

  // For tests only: a lower spacer cap, so that a few thousand rows make a tall grid (0: the real one).
  function setSpacerCap(px) {
    spacerCap = px > 0 ? px : MAX_SPACER_PX;
    return total ? render() : undefined;
  }

  PE.grid = { clear, refresh, setSpacerCap, resetEdits, editCount, excludedCount, edits, applyChanges, exclude,
    exclusions: () => [...excludedRows].sort((a, b) => a - b) };
})(window.PE);
