// Issue 12: bulk fixes on a 20,000-row file, each offered with its count, made at once, and undone
// at once: company websites filled from the email's company domain (never from a webmail one), and
// the spaces of a column trimmed.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const ROWS = 20000;
// Every 10th row has no website (2,000): half of them with a company email (1,000 to fill), half
// with a gmail.com one (left empty). Every 8th first name has spaces around it (2,500 to trim).
function exportCsv() {
  const lines = ['Email,First Name,Last Name,Website'];
  for (let i = 1; i <= ROWS; i++) {
    const noSite = i % 10 === 0;
    const email = noSite && i % 20 === 0 ? 'person' + i + '@gmail.com' : 'person' + i + '@company' + (i % 500) + '.com';
    const first = i % 8 === 0 ? '  First' + i + ' ' : 'First' + i;
    lines.push([email, first, 'Last' + i, noSite ? '' : 'company' + (i % 500) + '.com'].join(','));
  }
  return lines.join('\n') + '\n';
}

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

// A page with csv pasted and read (rows: how many it has).
async function pasted(csv, rows) {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.getByLabel('Prospects CSV').fill(csv);
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('#read-status', { hasText: new RegExp('^Read ' + rows + ' rows') }).waitFor();
  return page;
}
const fixes = (page) => page.locator('#fixes li').evaluateAll((lis) => lis.map((li) => li.firstChild.textContent.trim()));

test('bulk fixes on 20,000 rows: counted before, made at once, undone at once', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.getByLabel('Upload CSV or Excel file').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from(exportCsv()) });
  await page.locator('#read-status', { hasText: /^Read 20,000 rows/ }).waitFor();
  await page.locator('#fixes li').first().waitFor();
  assert.deepEqual(await fixes(page), [
    'Fill 1,000 empty company websites with the domain of the row\'s email (not for email providers such as gmail.com).',
    'Trim the spaces of 2,500 cells of “First Name” (at the ends, and doubled inside).',
  ]);

  // Fill: 1,000 cells, one step; the gmail rows stay empty.
  await page.getByRole('button', { name: /^Fill them/ }).click();
  await page.locator('#undo-btn', { hasText: 'Undo (1)' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 1);
  assert.deepEqual(await fixes(page), ['Trim the spaces of 2,500 cells of “First Name” (at the ends, and doubled inside).']);
  const website = (row) => page.locator('.grid-row .cell[data-row="' + row + '"][data-col="3"]').textContent();
  // Row 10 (index 9): company10.com from its email; row 20 (index 19): gmail, left empty.
  assert.equal(await website(9), 'company10.com');
  assert.equal(await website(19), '');
  assert.equal(await page.locator('.grid-row .cell.edited[data-row="9"][data-col="3"]').count(), 1, 'a filled cell is marked as edited');

  // Trim: 2,500 cells; then one undo takes the trim back, another the fill.
  await page.getByRole('button', { name: /^Trim them/ }).click();
  await page.locator('#undo-btn', { hasText: 'Undo (2)' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 0);
  assert.equal(await page.locator('.grid-row .cell[data-row="7"][data-col="1"]').textContent(), 'First8');
  assert.ok(await page.locator('#fixes-h').isHidden(), 'no fix left: no heading either');
  await page.getByRole('button', { name: /^Undo/ }).click();
  await page.locator('#undo-btn', { hasText: 'Undo (1)' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 1);
  assert.equal(await page.locator('.grid-row .cell[data-row="7"][data-col="1"]').textContent(), '  First8 ');
  await page.getByRole('button', { name: /^Undo/ }).click();
  await page.locator('#undo-btn', { hasText: /^Undo$/ }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 2);
  assert.equal(await website(9), '');
  // Redo makes the fill again, exactly.
  await page.getByRole('button', { name: /^Redo/ }).click();
  await page.locator('#undo-btn', { hasText: 'Undo (1)' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#fixes li').length === 1);
  assert.equal(await website(9), 'company10.com');
  await page.context().close();
});

test('revert cell: an edited cell back to its value as read, as a step of the undo history', async () => {
  const page = await pasted('Email,First Name\nbroken,Ada\nbob@example.com,Bob\n', 2);
  const revert = page.locator('#revert-btn');
  assert.equal(await revert.isDisabled(), true, 'nothing edited: nothing to revert');
  const cell = page.locator('.grid-row .cell[data-row="0"][data-col="0"]');
  await cell.focus();
  await page.keyboard.press('Enter');
  await page.locator('input.cell-edit').fill('ada@example.com');
  await page.locator('input.cell-edit').press('Enter');
  await page.locator('.grid-row .cell.edited[data-row="0"][data-col="0"]', { hasText: 'ada@example.com' }).waitFor();
  await page.locator('.grid-row .cell[data-row="0"][data-col="0"]').focus();
  await page.waitForFunction(() => !document.getElementById('revert-btn').disabled);
  assert.equal(await revert.getAttribute('aria-label'), 'Revert row 1, Email to “broken” as read');
  await revert.click();
  await page.locator('.grid-row .cell[data-row="0"][data-col="0"]', { hasText: /^broken$/ }).waitFor();
  assert.equal(await page.locator('.grid-row .cell.edited').count(), 0, 'no longer marked as edited');
  assert.equal(await revert.isDisabled(), true);
  assert.equal(await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').textContent(), '1');
  // The revert is a step: undo makes the edit again.
  await page.getByRole('button', { name: /^Undo/ }).click();
  await page.locator('.grid-row .cell.edited[data-row="0"][data-col="0"]', { hasText: 'ada@example.com' }).waitFor();
  assert.equal(await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd').textContent(), '2');
  await page.context().close();
});

test('values the checks leave out can be cleared at once; emptied websites can then be filled from the emails', async () => {
  const page = await pasted('Email,LinkedIn,Website\na@acme.com,https://www.linkedin.com/company/acme,facebook.com/acme\nb@beta.io,https://www.linkedin.com/in/bee,beta.io\n', 2);
  await page.locator('#fixes li').first().waitFor();
  assert.deepEqual(await fixes(page), [
    'Clear 1 LinkedIn value that is not a person\'s profile (company pages, Sales Navigator links…): they are left out of the requests anyway.',
    'Clear 1 website value that is not a company\'s site (social pages, IP addresses…): they are left out of the requests anyway.',
  ]);
  await page.getByRole('button', { name: /^Clear them: Clear 1 website/ }).click();
  await page.waitForFunction(() => /^Fill 1 empty company website/.test(document.querySelector('#fixes li') && document.querySelector('#fixes li').textContent));
  await page.getByRole('button', { name: /^Fill them/ }).click();
  await page.locator('.grid-row .cell[data-row="0"][data-col="2"]', { hasText: /^acme\.com$/ }).waitFor();
  assert.equal(await page.locator('#undo-btn').textContent(), 'Undo (2)');
  await page.context().close();
});

test('the mapping helps decide: plain labels with the API names, email required, each column\'s fill rate and samples, also before an email column is chosen', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  await page.getByLabel('Prospects CSV').fill('Contact,Who,Phone\njane@acme.com,Jane Doe,\nbob@beta.io,Bob,555\n,Cy,\njane@acme.com,Jane again,\n');
  await page.getByRole('button', { name: 'Validate' }).click();
  // No column is recognised as email: the columns are shown with what they hold, to choose from.
  await page.getByLabel('Field for column Contact').waitFor();
  const row = (header) => page.locator('#columns tr', { has: page.locator('th', { hasText: header }) }).locator('td')
    .evaluateAll((tds) => tds.slice(1).map((td) => td.textContent));
  assert.deepEqual(await row('Contact'), ['3 of 4 (75%)', 'jane@acme.com · bob@beta.io', '']);
  assert.deepEqual((await row('Phone')).slice(0, 2), ['1 of 4 (25%)', '555']);
  const options = await page.getByLabel('Field for column Contact').locator('option').allTextContents();
  assert.deepEqual(options, ['Work email (email, required)', 'First name (first_name)', 'Last name (last_name)',
    'Full name, split into first and last (full_name)', 'LinkedIn profile URL (linkedin_url)', 'Company name (company_name)',
    'Company website (company_website)', 'ignored']);
  await page.getByLabel('Field for column Contact').selectOption('email');
  await page.locator('#summary .stat', { hasText: /^Valid/ }).locator('dd', { hasText: /^2$/ }).waitFor();  // one empty, one duplicate
  assert.deepEqual((await row('Who')).slice(0, 2), ['all', 'Jane Doe · Bob · Cy']);
  await page.context().close();
});
