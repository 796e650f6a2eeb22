// The rows of the loaded file as a virtual grid: #grid is the one scroll container (both
// directions); its header row is sticky. Only the rows in view (plus a margin) exist in the DOM;
// they are fetched from the worker by visible position, under the row filter. Columns: Row, Status,
// Problems (every finding of the row, reachable by keyboard as column -1), then the file's columns
// (0..n-1). Keyboard moves, and editing a cell in place. Defines PE.grid.
'use strict';
(function (PE) {
  const { $, el, announce, showAlert } = PE.util;
  const { counted } = PE.words;
  const { REQUEST } = PE.protocol;
  const call = PE.engine.call;
  const ROW_H = 32;
  const W = { rownum: 64, status: 150, problems: 320, cell: 190 };
  const FILTER_EMPTY = { all: 'This file has a header row but no prospect rows.', errors: 'No rows with errors.',
    warnings: 'No rows with warnings.', valid: 'No valid rows.' };
  let filter = 'all';
  let total = 0;              // rows under the filter
  const cache = new Map();    // visible position -> row object
  let cursor = null;          // {pos, col} of the cell the keyboard is on
  let scrollFrame = null;     // a render is due at the next animation frame

  function clear() {
    cache.clear();
    total = 0;
    cursor = null;
    for (const n of [...$('grid-body').querySelectorAll('.grid-row')]) n.remove();
    $('grid-head').replaceChildren();
    $('grid-spacer').style.height = '0px';
    $('row-count').textContent = '';
    $('grid-empty').hidden = true;
  }

  // reset: back to the top, with no cell under the keyboard.
  async function refresh(reset) {
    cache.clear();
    const r = await call(REQUEST.rows, { filter, start: 0, count: 0 });
    total = r.total;
    $('row-count').textContent = total ? counted(total, 'row') : FILTER_EMPTY[filter];
    $('grid-empty').textContent = total ? '' : FILTER_EMPTY[filter];
    $('grid-empty').hidden = !!total;
    if (reset) { $('grid').scrollTop = 0; cursor = null; }
    if (cursor && cursor.pos >= total) cursor = null;
    renderHead();
    await render();
  }
  const columns = () => PE.check.columns();
  function rowWidth() { return W.rownum + W.status + W.problems + W.cell * columns().length; }
  function renderHead() {
    const head = $('grid-head');
    head.replaceChildren(el('div', { class: 'cell rownum', role: 'columnheader', text: 'Row' }),
      el('div', { class: 'cell status', role: 'columnheader', text: 'Status' }),
      el('div', { class: 'cell problems', role: 'columnheader', text: 'Problems' }));
    columns().forEach((c) => head.append(el('div', { class: 'cell', role: 'columnheader', text: c.header, title: c.header + (c.field === null ? ' (ignored)' : ' → ' + c.field) })));
    $('grid').setAttribute('aria-colcount', String(columns().length + 3));
  }
  function viewRange() {
    const g = $('grid');
    const headH = $('grid-head').offsetHeight;
    const first = Math.max(0, Math.floor(Math.max(0, g.scrollTop - headH) / ROW_H) - 5);
    return { first, count: Math.ceil(g.clientHeight / ROW_H) + 10 };
  }
  async function render() {
    const body = $('grid-body');
    const { first, count } = viewRange();
    const last = Math.min(total, first + count);
    let missing = false;
    for (let i = first; i < last; i++) if (!cache.has(i)) { missing = true; break; }
    if (missing) {
      const r = await call(REQUEST.rows, { filter, start: first, count });
      r.rows.forEach((row, k) => cache.set(first + k, row));
      if (cache.size > 2000) for (const k of cache.keys()) { if (k < first - 200 || k > first + count + 200) cache.delete(k); }
    }
    // Rows are re-created on scroll: keep keyboard focus on the same cell when it is still shown.
    const active = document.activeElement;
    const focused = active && body.contains(active) && active.dataset && active.dataset.col != null
      ? { pos: active.dataset.pos, col: active.dataset.col } : null;
    for (const n of [...body.querySelectorAll('.grid-row')]) n.remove();
    for (let i = first; i < last; i++) {
      const row = cache.get(i);
      if (row) body.append(renderRow(row, i));
    }
    const spacer = $('grid-spacer');
    spacer.style.height = (total * ROW_H) + 'px';
    spacer.style.width = rowWidth() + 'px';
    $('grid').setAttribute('aria-rowcount', String(total + 1));
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
    const statusText = row.status === 'duplicate' ? 'duplicate of row ' + row.duplicate_of : row.status;
    const div = el('div', { class: 'grid-row ' + row.status, role: 'row', 'aria-rowindex': String(pos + 2), style: 'top:' + (pos * ROW_H) + 'px' },
      el('div', { class: 'cell rownum', role: 'rowheader', text: String(row.row), title: 'row ' + row.row + ', line ' + row.line }),
      el('div', { class: 'cell status ' + row.status, role: 'gridcell', text: statusText }));
    // Problems: errors first; the whole list on hover, focus and in the accessible description.
    const sorted = row.findings.slice().sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    const problems = el('div', { class: 'cell problems', role: 'gridcell', tabindex: '-1', 'data-pos': String(pos), 'data-row': String(row.index), 'data-col': '-1',
      text: sorted.length ? sorted[0].message + (sorted.length > 1 ? ' (+' + (sorted.length - 1) + ' more)' : '') : '' });
    if (sorted.length) decorate(problems, sorted, '');
    div.append(problems);
    row.cells.forEach((v, c) => {
      const cell = el('div', { class: 'cell', role: 'gridcell', tabindex: '-1', 'data-pos': String(pos), 'data-row': String(row.index), 'data-col': String(c), text: v });
      if (byCol[c]) decorate(cell, byCol[c], v); else if (v) cell.title = v;
      div.append(cell);
    });
    return div;
  }
  function decorate(cell, findings, value) {
    const sev = findings.some((f) => f.severity === 'error') ? 'has-error' : 'has-warning';
    cell.classList.add(sev);
    const msg = findings.map((f) => f.severity + ': ' + f.message).join('\n');
    cell.title = (value ? value + '\n' : '') + msg;
    cell.setAttribute('aria-description', msg);
    cell.dataset.findings = findings.map((f) => f.code).join(' ');
  }
  $('grid').addEventListener('scroll', () => {
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => { scrollFrame = null; render(); });
  });
  $('row-filter').addEventListener('change', () => { filter = $('row-filter').value; refresh(true); });

  // Moves keyboard focus to the cell at a visible position and column, scrolling it into view.
  async function focusCell(pos, col) {
    if (!total) return;
    pos = Math.max(0, Math.min(total - 1, pos));
    col = Math.max(-1, Math.min(columns().length - 1, col));
    const g = $('grid');
    const headH = $('grid-head').offsetHeight;
    const top = pos * ROW_H, bottom = top + ROW_H;
    if (top < g.scrollTop) g.scrollTop = top;
    else if (bottom > g.scrollTop + g.clientHeight - headH) g.scrollTop = bottom - g.clientHeight + headH;
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
  function moveFor(e, pos, col) {
    const page = Math.max(1, Math.floor(($('grid').clientHeight - $('grid-head').offsetHeight) / ROW_H) - 1);
    const last = columns().length - 1;
    return {
      ArrowDown: [pos + 1, col], ArrowUp: [pos - 1, col], ArrowLeft: [pos, col - 1], ArrowRight: [pos, col + 1],
      PageDown: [pos + page, col], PageUp: [pos - page, col],
      Home: e.ctrlKey ? [0, col] : [pos, -1], End: e.ctrlKey ? [total - 1, col] : [pos, last],
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
        cursor = { pos: Math.floor(Math.max(0, $('grid').scrollTop - $('grid-head').offsetHeight) / ROW_H), col: 0 };
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
    if (cell && cell.getAttribute('aria-description')) announce(cell.getAttribute('aria-description'));
  });

  // Edits a cell in place: Enter or leaving the field saves (the row is checked again at once),
  // Escape cancels. Afterwards focus returns to the same row if it is still shown under the filter,
  // else to the same position.
  function editCell(cell, row, col, pos) {
    if (PE.queue.running()) { announce('Editing is off while a queue run is in progress.'); return; }
    const input = el('input', { type: 'text', class: 'cell-edit', 'aria-label': 'Edit ' + (columns()[col].header || 'cell') + ', row ' + (row + 1) });
    input.value = cell.textContent;
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
      if (!save) { await render(); refocus(); return; }
      const r = await call(REQUEST.setCell, { row, col, value: input.value });
      if (r.ok === false) { showAlert(r.error); return; }
      PE.check.takeSummary(r.summary);
      const fs = r.row.findings;
      announce('Row ' + (row + 1) + ' is ' + r.row.status + (fs.length ? ': ' + fs.map((f) => f.message).join(' ') : '.'));
      await refresh(false);
      await PE.check.afterEdit();
      refocus();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      else if (e.key === 'Escape') { e.preventDefault(); finish(false); }
      e.stopPropagation();
    });
    input.addEventListener('blur', () => finish(true));
  }

  PE.grid = { clear, refresh };
})(window.PE);
