// The rows' grid at any row count (issue 10): a browser will not make an element taller than about
// 33.5 million px, so with 32 px rows a spacer of the rows' full height cannot hold more than
// ~1,048,000 rows. Past the spacer's cap (web/js/grid.js) every row must still be reachable by
// scrolling, by a proportional scrollTop and by the keyboard, with small scrolls still moving a few
// rows. The first tests lower the cap (PE.grid.setSpacerCap, for tests) so that 30,000 rows exceed it;
// the last loads a real 1,100,000-row file under the real cap.
// What is asserted is what is on screen: the rows' numbers and where their boxes are in the view.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./harness');

let browser;
let dir;
test.before(async () => {
  browser = await h.launch();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-grid-'));
});
test.after(async () => {
  await browser.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const stat = (page, name) => page.locator('#summary .stat').filter({ has: page.locator('dt', { hasText: new RegExp('^' + name + '$') }) }).locator('dd');

// A one-column export of n rows: user{i}@acme{i % 1000}.com.
function emails(n) {
  const file = path.join(dir, 'emails-' + n + '.csv');
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'email\n');
  for (let i = 0; i < n; i += 100000) {
    const lines = [];
    for (let k = i; k < Math.min(n, i + 100000); k++) lines.push('user' + k + '@acme' + (k % 1000) + '.com\n');
    fs.writeSync(fd, lines.join(''));
  }
  fs.closeSync(fd);
  return file;
}

async function load(page, file, rowsRead) {
  await page.getByLabel('Upload CSV or Excel file').setInputFiles(file);
  await page.locator('#summary .stat').first().waitFor({ timeout: 300000 });
  assert.equal(await stat(page, 'Rows read').textContent(), rowsRead);
  await page.locator('#grid').scrollIntoViewIfNeeded();
  // What the view shows, from the rows' boxes: the first and last row (by their number) that are
  // visible under the sticky header, how far the first starts above the view's top and the last ends
  // above its bottom, and whether the rows cover the view one after another (all fetched and placed).
  await page.evaluate(() => {
    window.gridView = () => {
      const g = document.getElementById('grid');
      const box = g.getBoundingClientRect();
      const top = box.top + g.clientTop + document.getElementById('grid-head').getBoundingClientRect().height;
      const bottom = box.top + g.clientTop + g.clientHeight;
      const rows = [...g.querySelectorAll('.grid-row')].map((n) => {
        const r = n.getBoundingClientRect();
        return { n: +n.querySelector('.rownum').textContent, top: r.top, bottom: r.bottom };
      }).filter((r) => r.bottom > top + 0.5 && r.top < bottom - 0.5).sort((a, b) => a.top - b.top);
      if (!rows.length) return { whole: false };
      const first = rows[0], last = rows[rows.length - 1];
      const whole = first.top <= top + 0.5 && last.bottom >= bottom - 0.5 &&
        rows.every((r, i) => i === 0 || (r.n === rows[i - 1].n + 1 && Math.abs(r.top - rows[i - 1].bottom) < 0.5));
      const a = document.activeElement;
      const f = a && a.closest && a.closest('.grid-row') ? a.getBoundingClientRect() : null;
      return {
        whole, first: first.n, last: last.n, above: top - first.top, below: bottom - last.bottom, rows: rows.length,
        focusedRow: f ? +a.closest('.grid-row').querySelector('.rownum').textContent : null,
        focusedInView: f ? f.top >= top - 0.5 && f.bottom <= bottom + 0.5 : false,
        focusedTop: f ? f.top - top : null, focusedBottom: f ? bottom - f.bottom : null,
        scrollTop: g.scrollTop, maxScroll: g.scrollHeight - g.clientHeight, rowsPx: bottom - top,
      };
    };
    // Scroll events, the wheel turns and key presses before the latest one, and the scroll events
    // that had ended at the latest scrollend (the grid moves its scrollTop when a scroll ends: that
    // is a scroll of its own, with a scrollend of its own).
    window.inputs = 0;
    window.scrolls = 0;
    window.scrolledAfter = 0;
    window.ended = 0;
    window.addEventListener('wheel', () => { window.inputs++; }, { capture: true, passive: true });
    window.addEventListener('keydown', () => { window.inputs++; }, { capture: true, passive: true });
    const g = document.getElementById('grid');
    g.addEventListener('scroll', () => { window.scrolls++; window.scrolledAfter = window.inputs; });
    g.addEventListener('scrollend', () => { window.ended = window.scrolls; });
  });
}

// Waits until the rows cover the view and each key of want holds for gridView(): a value, or a
// [low, high] range. On a timeout, says what was shown instead.
async function shown(page, want, what) {
  try {
    await page.waitForFunction((w) => {
      const v = window.gridView();
      return v.whole && Object.keys(w).every((k) => (Array.isArray(w[k]) ? v[k] >= w[k][0] && v[k] <= w[k][1] : v[k] === w[k]));
    }, want);
  } catch (e) {
    if (!/Timeout/.test(e.message)) throw e;
    throw new Error('the grid never showed ' + what + '; it shows ' + JSON.stringify(await page.evaluate(() => window.gridView())));
  }
  return page.evaluate(() => window.gridView());
}

// Runs one wheel turn or key press that scrolls: once every earlier scroll has ended, and then
// waits for it to have scrolled and every scroll to have ended (scrollend), and for the rows to
// cover the view.
async function scroll(page, action) {
  await page.waitForFunction(() => window.ended === window.scrolls);
  const n = await page.evaluate(() => window.inputs);
  await action();
  try {
    await page.waitForFunction((n) => window.scrolledAfter > n && window.ended === window.scrolls, n);
  } catch (e) {
    if (!/Timeout/.test(e.message)) throw e;
    throw new Error('the grid did not scroll; it shows ' + JSON.stringify(await page.evaluate(() => window.gridView())));
  }
  return shown(page, {}, 'its rows after a scroll');
}

const setScrollTop = (page, fraction) => page.locator('#grid').evaluate((g, f) => {
  g.scrollTop = Math.round(f * (g.scrollHeight - g.clientHeight));
}, fraction);

test('more rows than the spacer holds: scrolling to the bottom shows the last row, a proportional scrollTop a row in the middle', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const total = 30000;
  // 30,000 rows are 960,000 px: 4.8 times the lowered cap.
  await page.evaluate(() => window.PE.grid.setSpacerCap(200000));
  await load(page, emails(total), '30,000');
  assert.equal(await page.locator('#grid-spacer').evaluate((s) => s.offsetHeight), 200000);
  let v = await shown(page, { first: 1 }, 'row 1 at the top');
  assert.ok(v.maxScroll < 200000, 'the grid scrolls no further than the spacer: ' + v.maxScroll);
  assert.ok(v.above < 0.5, 'row 1 starts at the top of the view');
  const perView = v.rowsPx / 32;

  await setScrollTop(page, 1);
  v = await shown(page, { last: 30000 }, 'row 30,000 at the bottom');
  assert.ok(Math.abs(v.below) < 1, 'the last row ends at the bottom of the view: ' + v.below);

  // Half way down the scrollbar is half way through the rows; a quarter and nine tenths close to it
  // (the few screens mapped 1:1 at each end bend the line a little, more so under this small cap).
  for (const f of [0.5, 0.25, 0.9]) {
    await setScrollTop(page, f);
    const want = 1 + f * (total - perView);
    const near = f === 0.5 ? 2 : total * 0.02;
    v = await shown(page, { first: [want - near, want + near] }, 'row ~' + Math.round(want) + ' at the top');
  }
  await setScrollTop(page, 0);
  v = await shown(page, { first: 1, above: [-0.5, 0.5] }, 'row 1 at the top again');
  await page.context().close();
});

test('more rows than the spacer holds: small scrolls (wheel, keys) move a few rows, pixel for pixel, and reach the ends', async (t) => {
  const page = await h.openPage(browser, h.FILE_URL);
  const total = 30000;
  await page.evaluate(() => window.PE.grid.setSpacerCap(200000));
  await load(page, emails(total), '30,000');
  const grid = page.locator('#grid');
  const box = await grid.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);

  // From the middle: a wheel turn of 100 px moves the rows 100 px, 3 rows (by the proportion alone it
  // would be 4.8 times as far), and back again.
  await setScrollTop(page, 0.5);
  const mid = await shown(page, { first: [14000, 16000] }, 'the middle');
  let v = await scroll(page, () => page.mouse.wheel(0, 100));
  assert.ok(Math.abs(v.first + v.above / 32 - (mid.first + mid.above / 32) - 100 / 32) < 0.05,
    'a wheel turn of 100 px moves the rows 100 px: ' + JSON.stringify({ before: mid, after: v }));
  v = await scroll(page, () => page.mouse.wheel(0, -100));
  assert.equal(v.first, mid.first);
  assert.ok(Math.abs(v.above - mid.above) < 0.5);
  // The browser's own key scrolling (the grid has focus, no cell does): a page, and an arrow's 40 px.
  await grid.focus();
  v = await scroll(page, () => page.keyboard.press('PageDown'));
  const paged = v.first - mid.first;
  assert.ok(paged >= 5 && paged <= Math.ceil(v.rowsPx / 32), 'Page Down moved ' + paged + ' rows');
  const before = v;
  v = await scroll(page, () => page.keyboard.press('ArrowUp'));
  assert.ok(Math.abs((v.first + v.above / 32) - (before.first + before.above / 32) + 40 / 32) < 0.05, 'Arrow Up moved 40 px: ' + JSON.stringify({ before, after: v }));

  // Near the end by the proportion (~1,000 rows before it), then wheel turns go on to the last row.
  // 400 px a turn, under a view's height: each turn moves the rows 400 px, so the scrollbar alone
  // would run into its end first (a wheel turn there does not even make a scroll event).
  await setScrollTop(page, 0.95);
  v = await shown(page, { last: [28000, 29999] }, 'a row close to the end');
  let turns = 0;
  while (v.last !== total && turns < 400) {
    const at = v;
    v = await scroll(page, () => page.mouse.wheel(0, 400));
    turns++;
    assert.ok(Math.abs((v.first + v.above / 32) - (at.first + at.above / 32) - 400 / 32) < 0.05 || v.last === total,
      'turn ' + turns + ' moved the rows 400 px: ' + JSON.stringify({ before: at, after: v }));
  }
  t.diagnostic('down to the last row in ' + turns + ' wheel turns');
  assert.equal(v.last, total, 'wheel turns reach the last row');
  assert.ok(Math.abs(v.below) < 1, 'the last row ends at the bottom of the view: ' + v.below);
  // And up to row 1 from ~1,000 rows after it.
  await setScrollTop(page, 0.05);
  v = await shown(page, { first: [2, 2000] }, 'a row close to the start');
  turns = 0;
  while (!(v.first === 1 && v.above < 0.5) && turns < 400) {
    const at = v;
    v = await scroll(page, () => page.mouse.wheel(0, -400));
    turns++;
    assert.ok(Math.abs((v.first + v.above / 32) - (at.first + at.above / 32) + 400 / 32) < 0.05 || v.first === 1,
      'turn ' + turns + ' moved the rows 400 px: ' + JSON.stringify({ before: at, after: v }));
  }
  t.diagnostic('up to row 1 in ' + turns + ' wheel turns');
  assert.equal(v.first, 1, 'wheel turns reach row 1');
  assert.ok(v.above < 0.5);
  await page.context().close();
});

test('more rows than the spacer holds: Ctrl+End focuses the last row, keys and scroll-into-view stay exact', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const total = 30000;
  await page.evaluate(() => window.PE.grid.setSpacerCap(200000));
  await load(page, emails(total), '30,000');
  await page.locator('.grid-row .cell[data-col="0"]').first().focus();
  const focusOn = (pos) => page.waitForFunction((p) => document.activeElement.dataset.pos === String(p), pos);

  await page.keyboard.press('Control+End');
  await focusOn(total - 1);
  let v = await shown(page, { last: 30000, focusedRow: 30000 }, 'row 30,000 focused');
  assert.ok(v.focusedInView && Math.abs(v.focusedBottom) < 1, 'the last row is in view, at its bottom: ' + JSON.stringify(v));
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'user29999@acme999.com');
  assert.ok(v.scrollTop >= v.maxScroll - 1, 'the scrollbar is at its end: ' + v.scrollTop + ' of ' + v.maxScroll);

  // Up past the top of the view: the view follows a row at a time, the focused row at its top.
  const rowsInView = Math.floor(v.rowsPx / 32);
  for (let i = 0; i < rowsInView + 3; i++) await page.keyboard.press('ArrowUp');
  await focusOn(total - 1 - rowsInView - 3);
  v = await shown(page, { focusedRow: 30000 - rowsInView - 3, focusedInView: true }, 'the focused row in view');
  assert.ok(Math.abs(v.focusedTop) < 1, 'the focused row is at the top of the view: ' + JSON.stringify(v));
  assert.equal(v.first, 30000 - rowsInView - 3);

  // Page Up and Page Down move a view's worth, focus in view.
  await page.keyboard.press('PageUp');
  const page1 = total - 1 - rowsInView - 3 - (rowsInView - 1);
  await focusOn(page1);
  v = await shown(page, { focusedRow: page1 + 1, focusedInView: true }, 'the focused row in view after Page Up');
  assert.ok(Math.abs(v.focusedTop) < 1);
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await focusOn(page1 + 2 * (rowsInView - 1));
  v = await shown(page, { focusedRow: page1 + 2 * (rowsInView - 1) + 1, focusedInView: true }, 'the focused row in view after Page Down');
  assert.ok(Math.abs(v.focusedBottom) < 1);

  await page.keyboard.press('Control+Home');
  await focusOn(0);
  v = await shown(page, { first: 1, focusedRow: 1 }, 'row 1 focused');
  assert.equal(v.scrollTop, 0);
  await page.keyboard.press('End');
  await page.keyboard.press('Control+End');
  await focusOn(total - 1);
  await shown(page, { last: 30000, focusedRow: 30000, focusedInView: true }, 'row 30,000 focused again');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.activeElement.dataset.col === '-1' && document.activeElement.dataset.pos === '29999');

  // A cell edited far down keeps its place: the row is checked again, the view stays on it.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.locator('.cell-edit').waitFor();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('not an email');
  await page.keyboard.press('Enter');
  await page.locator('.grid-row.invalid .rownum', { hasText: /^30000$/ }).waitFor();
  v = await shown(page, { last: 30000, focusedRow: 30000, focusedInView: true }, 'the edited row still in view, focused');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'not an email');
  assert.ok(Math.abs(v.below) < 1);
  await page.context().close();
});

test('under the cap nothing is mapped: the spacer has the rows\' full height, scrollTop is the rows\' own y', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await load(page, emails(30000), '30,000');
  assert.equal(await page.locator('#grid-spacer').evaluate((s) => s.offsetHeight), 30000 * 32);
  await page.locator('#grid').evaluate((g) => { g.scrollTop = 12345 * 32; });
  let v = await shown(page, { first: 12346 }, 'row 12,346 at the top');
  assert.ok(Math.abs(v.above) < 0.5);
  const box = await page.locator('#grid').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  v = await scroll(page, () => page.mouse.wheel(0, 100));
  assert.equal(v.scrollTop, 12345 * 32 + 100);
  assert.equal(v.first, 12349);
  assert.ok(Math.abs(v.above - 4) < 0.5, 'the rows moved 100 px: ' + JSON.stringify(v));
  await page.locator('#grid').evaluate((g) => { g.scrollTop = g.scrollHeight; });
  v = await shown(page, { last: 30000 }, 'row 30,000 at the bottom');
  assert.equal(v.scrollTop, v.maxScroll);
  await page.context().close();
});

test('a render that waited for its rows never draws over a later view: Ctrl+End while a jump\'s rows are fetched', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  const total = 30000;
  await load(page, emails(total), '30,000');
  await page.locator('.grid-row .cell[data-col="0"]').first().focus();
  // Both ends' rows are fetched once (they stay cached).
  await page.keyboard.press('Control+End');
  await shown(page, { last: 30000, focusedRow: 30000 }, 'row 30,000 focused');
  await page.keyboard.press('Control+Home');
  await shown(page, { first: 1, focusedRow: 1 }, 'row 1 focused');
  // A jump to the middle: its render starts at the next frame and waits for the worker's rows. Right
  // after that frame, Ctrl+End: the end's rows are cached, so its render draws at once, before the
  // middle's rows arrive. The middle's render must then draw the view as it is: the end.
  await page.evaluate(() => new Promise((resolve) => {
    document.getElementById('grid').scrollTop = 15000 * 32;
    requestAnimationFrame(() => setTimeout(() => {
      document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', ctrlKey: true, bubbles: true, cancelable: true }));
      resolve();
    }, 0));
  }));
  await page.waitForFunction(() => document.activeElement.dataset.pos === '29999');
  let v = await shown(page, { last: 30000, focusedRow: 30000, focusedInView: true }, 'row 30,000 focused after the jump');
  // Once the middle's rows have come (fetched, cached), the view is still the end, focus on its row.
  await page.evaluate(() => window.PE.engine.call('rows', { filter: 'all', start: 0, count: 0 }));
  v = await shown(page, { last: 30000, focusedRow: 30000, focusedInView: true }, 'row 30,000 still focused');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'user29999@acme999.com');
  await page.context().close();
});

test('a real file of 1,100,000 rows, past the browser\'s height limit: the last row is shown at the bottom and reached by Ctrl+End', async (t) => {
  const total = 1100000;
  const file = emails(total);
  const page = await h.openPage(browser, h.FILE_URL);
  let t0 = Date.now();
  await load(page, file, '1,100,000');
  t.diagnostic('loaded ' + (fs.statSync(file).size / 1e6).toFixed(1) + ' MB, ' + total + ' rows, in ' + (Date.now() - t0) + ' ms');
  let v = await shown(page, { first: 1 }, 'row 1 at the top');
  assert.ok(v.maxScroll < 33554400, 'the grid scrolls within the browser\'s limit: ' + v.maxScroll);

  t0 = Date.now();
  await setScrollTop(page, 1);
  v = await shown(page, { last: 1100000 }, 'row 1,100,000 at the bottom');
  t.diagnostic('last row shown ' + (Date.now() - t0) + ' ms after scrolling to the bottom');
  assert.ok(Math.abs(v.below) < 1, 'the last row ends at the bottom of the view: ' + v.below);
  // Its number is shown whole, not cut to "110…" by the Row column.
  const last = page.locator('.grid-row', { has: page.locator('.rownum', { hasText: /^1100000$/ }) });
  assert.ok(await last.locator('.rownum').evaluate((c) => c.scrollWidth <= c.clientWidth), 'the row number is cut short');
  assert.equal(await last.locator('.cell[data-col="0"]').textContent(), 'user1099999@acme999.com');
  // Rows past 1,048,576 (out of reach with a spacer of the rows' full height) are reached by proportion.
  await setScrollTop(page, 0.97);
  v = await shown(page, { first: [0.97 * 1100000 - 1100, 0.97 * 1100000 + 1100] }, 'row ~1,067,000 at the top');
  assert.ok(v.first > 1048576);

  await setScrollTop(page, 0);
  await shown(page, { first: 1 }, 'row 1 at the top again');
  await page.locator('.grid-row .cell[data-col="0"]').first().focus();
  t0 = Date.now();
  await page.keyboard.press('Control+End');
  await page.waitForFunction(() => document.activeElement.dataset.pos === '1099999');
  v = await shown(page, { last: 1100000, focusedRow: 1100000, focusedInView: true }, 'row 1,100,000 focused');
  t.diagnostic('Ctrl+End: last row focused in ' + (Date.now() - t0) + ' ms');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'user1099999@acme999.com');
  await page.context().close();
});
