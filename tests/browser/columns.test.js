// The grid shows what matters (issue 12): the email column first, pinned beside the row numbers as
// the rows scroll sideways; the mapped columns next; the ignored ones collapsed until asked for; what
// a sent row's cells are sent as beside the values as read; the focused cell written out whole under
// the grid. On a 20,000-row export whose columns are in a CRM's order, not the API's.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const ROWS = 20000;
// Columns as a CRM exports them: notes and a status column (ignored) around the ones the API takes.
function crmCsv() {
  const lines = ['Notes,Company,Full Name,Email Status,Email,LinkedIn,Website'];
  for (let i = 1; i <= ROWS; i++) {
    let email = 'person' + i + '@company' + (i % 300) + '.com';
    if (i === 1) email = '"  Jared@PiedPiper.COM "';
    else if (i === 2) email = 'n/a';
    const site = i === 1 ? 'piedpiper.com/about' : 'company' + (i % 300) + '.com';
    const linkedin = i === 1 ? 'linkedin.com/in/jared' : '';
    lines.push(['note ' + i, 'Company ' + i, i === 1 ? 'Jared Dunn' : 'Person' + i + ' Lastname' + i, 'verified', email, linkedin, site].join(','));
  }
  return lines.join('\n') + '\n';
}

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

// A page with the CRM export read.
async function crmPage(options) {
  const page = await h.openPage(browser, h.FILE_URL, options);
  await h.started(page);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'crm.csv', mimeType: 'text/csv', buffer: Buffer.from(crmCsv()) });
  await page.locator('#read-status', { hasText: /^Read 20,000 rows/ }).waitFor();
  return page;
}
const cell = (page, row, col) => page.locator('.grid-row .cell[data-row="' + row + '"][data-col="' + col + '"]');
const heads = (page) => page.locator('#grid-head .cell').evaluateAll((cs) => cs.map((c) => c.textContent));
const focused = (page) => page.evaluate(() => ({ row: document.activeElement.dataset.row, col: document.activeElement.dataset.col }));
// Waits until the keyboard's cell is column `col` of row `row`.
const focusIs = (page, row, col) => page.waitForFunction(([r, c]) => document.activeElement.dataset.row === r && document.activeElement.dataset.col === c, [String(row), String(col)]);

test('the email column first and pinned, mapped columns next, ignored ones collapsed; "as sent" beside the value as read; the focused cell written out', async () => {
  const page = await crmPage();
  await cell(page, 0, 4).waitFor();

  // Order: email, then the mapped columns in file order; the two ignored ones are left out.
  assert.deepEqual(await heads(page), ['Row', 'Status', 'Problems', 'Email', 'Company', 'Full Name', 'LinkedIn', 'Website']);
  const toggle = page.getByRole('button', { name: 'Show the 2 ignored columns' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.equal(await page.locator('#grid').getAttribute('aria-colcount'), '8');
  assert.equal(await page.locator('.grid-row .cell[data-col="0"]').count(), 0, 'no cell of an ignored column');

  // As sent: the cell keeps the value as read; what is sent is drawn below it, and said in words.
  const email = cell(page, 0, 4);
  assert.equal(await email.textContent(), '  Jared@PiedPiper.COM ');
  assert.equal(await email.getAttribute('data-sent'), 'Jared@piedpiper.com');
  assert.equal(await email.evaluate((c) => getComputedStyle(c, '::after').content), '"→ Jared@piedpiper.com" / ""', 'drawn; its words are in the description, not read twice');
  assert.match(await email.getAttribute('aria-description'), /Sent as Work email “Jared@piedpiper\.com”\./);
  assert.equal(await cell(page, 0, 2).getAttribute('data-sent'), 'Jared · Dunn', 'a full name is sent split');
  assert.equal(await cell(page, 0, 6).getAttribute('data-sent'), 'https://piedpiper.com', 'the path is dropped');
  assert.equal(await cell(page, 0, 5).getAttribute('data-sent'), null, 'a profile written without https:// is the same address');
  assert.equal(await cell(page, 1, 4).getAttribute('data-sent'), null, 'an invalid row sends nothing');
  assert.equal(await cell(page, 2, 1).getAttribute('data-sent'), null, 'a value sent as read has no mark');

  // Pinned: scrolled to the far right (in a window as narrow as a laptop's half screen), the email
  // column is still beside the row numbers; the others moved.
  await page.setViewportSize({ width: 700, height: 900 });
  const before = await cell(page, 0, 1).evaluate((c) => c.getBoundingClientRect().left);
  await page.locator('#grid').evaluate((g) => { g.scrollLeft = g.scrollWidth; });
  await page.waitForFunction(() => document.getElementById('grid').scrollLeft > 0);
  const at = await page.evaluate(() => {
    const row = document.querySelector('.grid-row .cell[data-row="0"][data-col="4"]').parentElement;
    const g = document.getElementById('grid').getBoundingClientRect();
    return { rownum: row.querySelector('.rownum').getBoundingClientRect().right, email: row.querySelector('[data-col="4"]').getBoundingClientRect().left,
      company: row.querySelector('[data-col="1"]').getBoundingClientRect().left, grid: g.left };
  });
  // The email column shows its right border as a 2 px shadow; the row number's right edge is its left.
  assert.ok(Math.abs(at.email - at.rownum) <= 1, JSON.stringify(at));
  assert.ok(at.company < before - 50, 'the other columns scrolled: ' + JSON.stringify(at) + ' before ' + before);

  // The keyboard goes through the columns as shown: Problems, Email, Company, ..., Website.
  await email.click();
  await focusIs(page, 0, 4);
  await page.keyboard.press('Home');
  await focusIs(page, 0, -1);
  await page.keyboard.press('ArrowRight');
  await focusIs(page, 0, 4);
  await page.keyboard.press('ArrowRight');
  await focusIs(page, 0, 1);
  await page.keyboard.press('End');
  await focusIs(page, 0, 6);
  await page.keyboard.press('ArrowLeft');
  await focusIs(page, 0, 5);
  // The focused cell written out under the grid, whole.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await focusIs(page, 0, 4);
  await page.locator('#cell-info', { hasText: 'Row 1, Email: “  Jared@PiedPiper.COM ”' }).waitFor();
  assert.match(await page.locator('#cell-info').textContent(), /Sent as Work email “Jared@piedpiper\.com”\./);
  await page.keyboard.press('ArrowDown');
  await focusIs(page, 1, 4);
  await page.locator('#cell-info', { hasText: 'Row 2, Email: “n/a”' }).waitFor();
  assert.match(await page.locator('#cell-info').textContent(), /error: .*n\/a/);

  // An edit: the new value's "as sent" appears with it; the edited mark and the value as read are said.
  await page.keyboard.press('Enter');
  await page.locator('.cell-edit').waitFor();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(' Cy@Gamma.COM');
  await page.keyboard.press('Enter');
  await page.locator('.grid-row .cell.edited[data-row="1"][data-col="4"][data-sent="Cy@gamma.com"]').waitFor();
  await focusIs(page, 1, 4);
  await page.locator('#cell-info', { hasText: 'Edited; the file had “n/a”.' }).waitFor();
  // The row excluded (the button, focus leaves the grid): the line under the grid follows, sent no more.
  await page.locator('#cell-info', { hasText: 'Sent as Work email “Cy@gamma.com”.' }).waitFor();
  await page.getByRole('button', { name: /^Exclude row 2/ }).click();
  await page.locator('.grid-row.excluded .cell[data-row="1"][data-col="4"]').waitFor();
  await page.waitForFunction(() => !/Sent as/.test(document.getElementById('cell-info').textContent));
  assert.match(await page.locator('#cell-info').textContent(), /^Row 2, Email: “ Cy@Gamma\.COM”/);
  await page.getByRole('button', { name: /^Include row 2 again/ }).click();
  await page.locator('#cell-info', { hasText: 'Sent as Work email “Cy@gamma.com”.' }).waitFor();

  // Ignored columns on asking: after the mapped ones, in file order, muted; the keyboard reaches them.
  await toggle.click();
  await page.getByRole('button', { name: 'Hide the 2 ignored columns' }).waitFor();
  assert.equal(await page.locator('#ignored-toggle').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await heads(page), ['Row', 'Status', 'Problems', 'Email', 'Company', 'Full Name', 'LinkedIn', 'Website', 'Notes', 'Email Status']);
  assert.equal(await page.locator('#grid-head .cell.ignored').count(), 2);
  await cell(page, 1, 4).focus();
  await page.keyboard.press('End');
  await focusIs(page, 1, 3);
  await page.locator('#cell-info', { hasText: 'Row 2, Email Status: “verified” (ignored: not sent)' }).waitFor();
  // Hidden again while the keyboard is on one: it goes to Problems, not off the grid.
  await page.getByRole('button', { name: 'Hide the 2 ignored columns' }).click();
  await page.getByRole('button', { name: 'Show the 2 ignored columns' }).waitFor();
  await page.locator('#grid').focus();
  await page.keyboard.press('ArrowDown');
  await focusIs(page, 2, -1);

  // A column ignored by a new mapping while the keyboard is on it: it leaves the grid (the count of
  // ignored ones says 3), the keyboard's cell goes to Problems, and find and replace marks it.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await focusIs(page, 2, 1);
  await page.getByLabel('Field for column Company').selectOption('ignore');
  await page.getByRole('button', { name: 'Show the 3 ignored columns' }).waitFor();
  // The keyboard stays on the choice (the table is drawn again).
  await page.waitForFunction(() => document.activeElement.getAttribute('aria-label') === 'Field for column Company');
  assert.deepEqual(await heads(page), ['Row', 'Status', 'Problems', 'Email', 'Full Name', 'LinkedIn', 'Website']);
  assert.deepEqual(await page.locator('#replace-col option').allTextContents(),
    ['Notes (ignored)', 'Company (ignored)', 'Full Name', 'Email Status (ignored)', 'Email', 'LinkedIn', 'Website']);
  await page.locator('#grid').focus();
  await page.keyboard.press('ArrowDown');
  await focusIs(page, 3, -1);
  await page.getByLabel('Field for column Company').selectOption('company_name');
  await page.getByRole('button', { name: 'Show the 2 ignored columns' }).waitFor();
  await page.locator('#grid').focus();
  await page.keyboard.press('ArrowUp');
  await focusIs(page, 2, -1);

  // The last row, reached by Ctrl+End, is drawn the same way.
  await page.keyboard.press('ArrowRight');
  await focusIs(page, 2, 4);
  await page.keyboard.press('Control+End');
  await focusIs(page, ROWS - 1, 4);
  assert.equal(await page.locator('#cell-info').textContent(), 'Row 20000, Email: “person20000@company200.com”');
  assert.deepEqual(await focused(page), { row: String(ROWS - 1), col: '4' });
  await page.context().close();
});

test('a cell moved to by the keyboard is never under the sticky columns; the rows end where the columns do, on a phone too; the toolbar does not move', async () => {
  const page = await crmPage({ viewport: { width: 1280, height: 900 } });
  // Focusing a row and excluding it changes the button's label, not the toolbar's height.
  await cell(page, 2, 1).click();
  const top = await page.locator('#grid').evaluate((g) => g.getBoundingClientRect().top);
  await page.getByRole('button', { name: /^Exclude row 3/ }).click();
  await page.getByRole('button', { name: /^Include row 3 again/ }).waitFor();
  assert.equal(await page.locator('#grid').evaluate((g) => g.getBoundingClientRect().top), top);
  await page.getByRole('button', { name: /^Include row 3 again/ }).click();
  await page.getByRole('button', { name: /^Exclude row 3/ }).waitFor();
  assert.equal(await page.locator('#grid').evaluate((g) => g.getBoundingClientRect().top), top, 'nor does Undo (2)');
  await page.setViewportSize({ width: 700, height: 900 });
  await page.getByRole('button', { name: 'Show the 2 ignored columns' }).click();

  // End, then left through every column: each cell the keyboard is on is fully beside the email column.
  await cell(page, 2, 4).click();
  await page.keyboard.press('End');
  await focusIs(page, 2, 3);
  const order = [3, 0, 6, 5, 2, 1];
  for (let k = 0; k < order.length; k++) {
    if (k) await page.keyboard.press('ArrowLeft');
    await focusIs(page, 2, order[k]);
    const at = await page.evaluate(() => {
      const c = document.activeElement;
      const pinned = c.parentElement.querySelector('.pinned');
      return { left: c.getBoundingClientRect().left, pinnedRight: pinned.getBoundingClientRect().right, col: c.dataset.col };
    });
    assert.ok(at.left >= at.pinnedRight - 1, 'column ' + at.col + ' under the email column: ' + JSON.stringify(at));
  }

  // On a phone (narrower cells), scrolled fully right: the last column ends at the grid's right edge.
  await page.setViewportSize({ width: 320, height: 800 });
  await page.locator('#grid').evaluate((g) => { g.scrollLeft = g.scrollWidth; });
  await page.waitForFunction(() => {
    const g = document.getElementById('grid');
    const last = document.getElementById('grid-head').lastElementChild;
    return g.scrollLeft > 0 && Math.abs(last.getBoundingClientRect().right - (g.getBoundingClientRect().left + g.clientLeft + g.clientWidth)) <= 1;
  });
  await page.context().close();
});
