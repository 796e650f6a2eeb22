// Shared harness of the browser tests: the sandbox API, nginx with the project's config, and
// Debian's Chromium driven by playwright-core. Every server listens on 127.0.0.1 and is stopped by
// the test that started it (the sandbox also exits by itself after --max-seconds).
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const WEB = path.join(ROOT, 'build', 'web');
const FILE_URL = 'file://' + path.join(WEB, 'index.html');
const SANDBOX_KEY = 'sandbox-key';

function keyHash(key) { return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12); }

async function startSandbox(extraArgs = []) {
  const proc = spawn('python3', [path.join(ROOT, 'tools', 'sandbox', 'sandbox_api.py'), '--host', '127.0.0.1', '--port', '0',
    '--max-seconds', '600', '--quiet', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('sandbox did not start: ' + stderr)), 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/SANDBOX_LISTENING (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error('sandbox exited ' + code + ': ' + stderr)); });
  });
  const control = async (method, p, body) => {
    const r = await fetch(url + p, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    if (!r.ok) throw new Error(method + ' ' + p + ' -> ' + r.status + ' ' + await r.text());
    return r.json();
  };
  return {
    url,
    port: Number(new URL(url).port),
    reset: (cfg) => control('POST', '/_sandbox/reset', cfg || {}),
    config: (cfg) => control('POST', '/_sandbox/config', cfg),
    faults: (list) => control('POST', '/_sandbox/faults', { faults: list }),
    requests: async () => (await control('GET', '/_sandbox/requests')).requests,
    state: () => control('GET', '/_sandbox/state'),
    prospects: async () => (await control('GET', '/_sandbox/prospects')).prospects,
    release: () => control('POST', '/_sandbox/release', {}),   // requests a "hold" fault keeps waiting go on
    stop: () => new Promise((resolve) => { if (proc.exitCode !== null) return resolve(); proc.once('exit', resolve); proc.kill('SIGTERM'); }),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function waitForPort(port, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('port ' + port + ' did not open');
}

// nginx with the config scripts/run.sh uses (scripts/nginx.conf.in), on a free port.
async function startNginx(sandboxPort) {
  const port = await freePort();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-nginx-'));
  const conf = execFileSync(path.join(ROOT, 'scripts', 'nginx_conf.sh'), [state, WEB, String(port), String(sandboxPort)]);
  fs.writeFileSync(path.join(state, 'nginx.conf'), conf);
  const proc = spawn('nginx', ['-e', 'stderr', '-c', path.join(state, 'nginx.conf'), '-p', state], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  try { await waitForPort(port); } catch (e) { proc.kill(); throw new Error('nginx failed: ' + stderr); }
  return {
    url: 'http://127.0.0.1:' + port,
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => { fs.rmSync(state, { recursive: true, force: true }); resolve(); });
      proc.kill('SIGQUIT');
    }),
  };
}

async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// A page with console errors collected (a test can assert there were none, and that the key never
// appeared in the console).
async function openPage(browser, url, opts = {}) {
  const context = await browser.newContext(Object.assign({ acceptDownloads: true }, opts));
  const page = await context.newPage();
  page.consoleLines = [];
  page.on('console', (m) => page.consoleLines.push(m.type() + ': ' + m.text()));
  page.on('pageerror', (e) => page.consoleLines.push('pageerror: ' + e.message));
  await page.goto(url);
  return page;
}

// The page has started: Settings are filled (at once, from the core's constants.js) and the
// validation engine's module has started, so the notes of the start (a refused ?api=) are shown.
async function started(page) {
  await page.locator('#base-url:enabled').waitFor();
  await page.evaluate(() => Promise.all([window.PE.engine.ready, window.PE.ledger.ready]));
}

// The runs as this browser's storage holds them (IndexedDB, ledger.js), oldest first, once the
// page's writes asked for so far are done.
async function ledgerRuns(page) {
  return page.evaluate(async () => {
    await window.PE.ledger.ready;   // read at start, runs left behind settled
    await window.PE.ledger.flush();
    const all = await window.PE.idb.request('runs', 'readonly', (s) => s.getAll());
    return (all || []).sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  });
}

// Stops the page's installed clock at about "now". Playwright's pauseAt() takes an absolute time
// and refuses one in the page's past; the page's clock keeps running while the target is chosen,
// so on a busy machine the target can already have passed: try again, a little further ahead.
async function pauseClock(page) {
  for (let ahead = 50; ; ahead *= 2) {
    const now = await page.evaluate(() => Date.now());
    try {
      await page.clock.pauseAt(now + ahead);
      return;
    } catch (e) {
      if (!/past/.test(String(e && e.message))) throw e;
    }
  }
}

// Opens the dry run's disclosure ("See the requests"), collapsed by default, as a user would.
async function openRequests(page) {
  const details = page.locator('#dryrun-details');
  if (!(await details.evaluate((d) => d.open))) await page.locator('#dryrun-details > summary').click();
  await page.getByLabel('Request body').waitFor();
}

module.exports = { openRequests, pauseClock, ROOT, WEB, FILE_URL, SANDBOX_KEY, keyHash, startSandbox, startNginx, launch, openPage, started, ledgerRuns, freePort };
