// Issue 12: the guided flow. Four steps at the top (Load → Check & fix → Review & queue → Track),
// the current one marked; the page moves on to the check after a load and to the queue from its
// button; the dry run is a disclosure ("See the requests"), closed until asked for; the
// confirmation names the endpoint by its label.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

let browser;
test.before(async () => { browser = await h.launch(); });
test.after(async () => { if (browser) await browser.close(); });

const currentStep = (page) => page.locator('#steps a[aria-current="step"]').textContent();

test('the steps: marked as the user goes, each reached from the keyboard; the requests behind a disclosure; the endpoint named', async () => {
  const page = await h.openPage(browser, h.FILE_URL);
  await h.started(page);
  const nav = page.getByRole('navigation', { name: 'Steps' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(), ['1. Load', '2. Check & fix', '3. Review & queue', '4. Track', 'Settings']);
  assert.equal(await currentStep(page), '1. Load');

  // A step that follows the load says so instead of going nowhere.
  await nav.getByRole('link', { name: '3. Review & queue' }).click();
  await page.locator('#live', { hasText: 'Load an export first' }).waitFor();
  assert.equal(await currentStep(page), '1. Load');

  await page.getByLabel('Prospects CSV').fill('email,first_name,last_name,company_website\njared@piedpiper.com,Jared,Dunn,piedpiper.com\nmonica@raviga.com,Monica,Hall,raviga.com\n');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('#read-status', { hasText: /^Read 2 rows/ }).waitFor();
  await page.waitForFunction(() => document.querySelector('#steps a[aria-current="step"]').textContent === '2. Check & fix');
  // Moved to the check: its heading is in view.
  await page.waitForFunction(() => { const r = document.getElementById('summary-h').getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; });

  // The dry run is closed: its controls are not in the way, and open from the keyboard.
  assert.equal(await page.locator('#dryrun-details').evaluate((d) => d.open), false);
  assert.equal(await page.getByRole('button', { name: 'Copy body' }).count(), 0);
  await page.locator('#dryrun-details > summary').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Copy body' }).waitFor();
  await page.waitForFunction(() => document.getElementById('batch-body').value.includes('jared@piedpiper.com'));

  // On to the queue, by keyboard.
  await page.getByRole('button', { name: 'Next: review and queue' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await currentStep(page), '3. Review & queue');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'queue-h');

  // The confirmation names the endpoint by its label; Back sends nothing.
  await page.getByLabel('API endpoint').selectOption({ label: 'Woodpecker API, direct' });
  await page.getByLabel('API key', { exact: true }).fill('k-123');
  await page.getByRole('button', { name: 'Queue 2 prospects' }).click();
  const dialog = page.locator('#confirm');
  await dialog.waitFor();
  assert.match(await page.locator('#confirm-text').textContent(), /^Queue 2 prospects in 1 batch to the Woodpecker API \(https:\/\/api\.woodpecker\.co\)\?/);
  await page.getByRole('button', { name: 'Back' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The step links go to their sections.
  await nav.getByRole('link', { name: '2. Check & fix' }).click();
  assert.equal(await currentStep(page), '2. Check & fix');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'summary-h');
  await page.close();
});
