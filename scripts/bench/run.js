#!/usr/bin/env node
// The benchmark itself, run by scripts/bench.sh (which builds, generates the exports and passes
// them here). One headless Chromium (Debian's /usr/bin/chromium through playwright-core, launched as
// the browser tests launch it) measures, on the same bytes of each export:
//   ours: full pipeline  the page's own worker (build/web/enricher-worker.js), the file copied and
//                        transferred as the page does, load + the page's first view (row count, first
//                        rows, problems, batch plan)
//   ours: bodies         the request body of every batch, in that worker
//   ours: first request  a queue run of every batch to this script's server, which refuses the key:
//                        how long before the first request leaves
//   Papa Parse, uDSV     parse-only, each in a fresh worker from the same bytes (decode + parse)
//   TextDecoder alone
//   the page             build/web/index.html itself: file chosen -> "Read N rows" shown, and the
//                        longest main-thread task meanwhile
// plus memory (the module's wasm memory; the peak RSS of the renderer process of a fresh page per
// contender and run, read from /proc with its peak reset before each step), the module's size
// gzipped, its start-up time, and the native CLI
// (`enrich validate`: MB/s and peak RSS). Prints a table; the last line is the ratio line.
//   node scripts/bench/run.js --file LABEL=PATH [--file ...] [--reps N] [--send-reps N] [--page-reps N] [--out DIR]
//   node scripts/bench/run.js --profile --file LABEL=PATH [...]   CPU profiles instead (see scripts/bench.sh)
// The first --file is the one of the ratio line. Timing goals live here and in docs/performance.md,
// never in tests.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const { launch } = require(path.join(ROOT, 'tests', 'browser', 'harness.js'));
const WEB = path.join(ROOT, 'build', 'web');
const PROF = path.join(ROOT, 'build', 'wasm-prof');
let OUT = path.join(ROOT, 'build', 'bench');   // --out: results, profiles and the page's files
let SITE = path.join(OUT, 'site');
// The page's load options with its defaults (web/js/input.js: the batch size of Settings, detection on).
const OPTIONS = { batch_size: 50, encoding: 'auto', delimiter: 'auto' };

function parseArgs(argv) {
  const a = { files: [], reps: 5, sendReps: null, pageReps: null, profile: false, out: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(k + ' needs a value'); return argv[++i]; };
    if (k === '--file') {
      const s = v(); const eq = s.indexOf('=');
      if (eq < 1) throw new Error('--file LABEL=PATH, not ' + s);
      a.files.push({ label: s.slice(0, eq), path: path.resolve(s.slice(eq + 1)) });
    } else if (k === '--reps') a.reps = +v();
    else if (k === '--send-reps') a.sendReps = +v();
    else if (k === '--page-reps') a.pageReps = +v();
    else if (k === '--profile') a.profile = true;
    else if (k === '--out') a.out = path.resolve(v());
    else throw new Error('unknown argument ' + k);
  }
  if (!a.files.length) throw new Error('no --file given');
  for (const n of ['reps', 'sendReps', 'pageReps']) {
    if (a[n] === null) a[n] = a.reps;
    if (!Number.isInteger(a[n]) || a[n] < 1) throw new Error('--' + n.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()) + ' must be a whole number ≥ 1');
  }
  return a;
}

// ---- the page's files: bench/page/ and the two parsers from node_modules, copied together
function assembleSite() {
  fs.rmSync(SITE, { recursive: true, force: true });
  fs.mkdirSync(SITE, { recursive: true });
  for (const f of fs.readdirSync(path.join(ROOT, 'scripts', 'bench', 'page'))) fs.copyFileSync(path.join(ROOT, 'scripts', 'bench', 'page', f), path.join(SITE, f));
  fs.copyFileSync(path.join(ROOT, 'node_modules', 'papaparse', 'papaparse.min.js'), path.join(SITE, 'papaparse.min.js'));
  fs.copyFileSync(path.join(ROOT, 'node_modules', 'udsv', 'dist', 'uDSV.iife.min.js'), path.join(SITE, 'uDSV.iife.min.js'));
}
function versionOf(pkg) { return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version; }

// ---- a small static server on 127.0.0.1: / the bench page, /web/ build/web, /prof/ build/wasm-prof.
// Every POST (the queue run of "first request") is answered 401, as the API answers a refused key.
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.csv': 'text/csv', '.wasm': 'application/wasm' };
function startServer() {
  const roots = [['/web/', WEB], ['/prof/', PROF], ['/', SITE]];
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      req.resume();
      req.on('end', () => { server.posts++; res.writeHead(401, { 'content-type': 'application/json' }); res.end('{"message":"Unauthorized (bench server)"}'); });
      return;
    }
    let p;
    try { p = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname); } catch (e) { res.writeHead(400); res.end(); return; }
    if (p === '/') p = '/index.html';
    const [prefix, dir] = roots.find(([pre]) => p.startsWith(pre));
    const file = path.join(dir, p.slice(prefix.length));
    if (!file.startsWith(dir + path.sep)) { res.writeHead(403); res.end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(data);
    });
  });
  server.posts = 0;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    server.url = 'http://127.0.0.1:' + server.address().port;
    resolve(server);
  }));
}

// ---- memory of Chromium's processes, from /proc: the descendants of this process, by --type=
function processTree() {
  const children = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat;
    try { stat = fs.readFileSync('/proc/' + d + '/stat', 'utf8'); } catch (e) { continue; }
    const ppid = +stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(+d);
  }
  const out = [];
  const todo = [...(children.get(process.pid) || [])];
  while (todo.length) {
    const pid = todo.pop();
    let cmd = '';
    try { cmd = fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8'); } catch (e) { continue; }
    const type = (cmd.match(/--type=([a-z-]+)/) || [, 'browser'])[1];
    if (/chrom/.test(cmd)) out.push({ pid, type });
    todo.push(...(children.get(pid) || []));
  }
  return out;
}
function renderers() { return processTree().filter((p) => p.type === 'renderer').map((p) => p.pid); }
function statusOf(pid) {
  try {
    const s = fs.readFileSync('/proc/' + pid + '/status', 'utf8');
    const kb = (k) => { const m = s.match(new RegExp('^' + k + ':\\s+(\\d+) kB', 'm')); return m ? +m[1] * 1024 : 0; };
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch (e) { return { hwm: 0, rss: 0 }; }
}
let peakResetWorks = true;
// Runs fn with the peak RSS of the given renderer processes reset first (clear_refs 5: "reset the
// peak resident set size"); returns fn's result with rendererPeakBytes (the largest peak among them)
// and rendererBeforeBytes (their resident memory before).
async function measured(pids, fn) {
  for (const pid of pids) {
    try { fs.writeFileSync('/proc/' + pid + '/clear_refs', '5'); } catch (e) {
      if (fs.existsSync('/proc/' + pid)) { peakResetWorks = false; log('bench: cannot reset the peak RSS of ' + pid + ': ' + e.message); }
    }
  }
  const before = Math.max(0, ...pids.map((p) => statusOf(p).rss));
  const r = await fn();
  const peak = Math.max(0, ...pids.map((p) => statusOf(p).hwm));
  return Object.assign({}, r, { rendererPeakBytes: peak, rendererBeforeBytes: before });
}
// The renderer processes that appear while fn runs (fn opens a page).
async function newRenderers(fn) {
  const before = new Set(renderers());
  const r = await fn();
  const fresh = renderers().filter((p) => !before.has(p));
  return { result: r, pids: fresh.length ? fresh : renderers() };
}

// ---- statistics and printing
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN; };
const MB = (b) => b / 1e6;
const mbps = (bytes, ms) => MB(bytes) / (ms / 1000);
const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
function spread(xs) { return xs.length > 1 ? f0(Math.min(...xs)) + '–' + f0(Math.max(...xs)) : ''; }
// rows[0] is the header; align: one letter per column, l or r.
function table(rows, align) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const cell = (v, c) => (align[c] === 'r' ? String(v).padStart(widths[c]) : String(v).padEnd(widths[c]));
  const lines = rows.map((r) => r.map(cell).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}
function log(s) { process.stderr.write(s + '\n'); }

function describeFile(f) {
  const size = fs.statSync(f.path).size;
  const fd = fs.openSync(f.path, 'r');
  const head = Buffer.alloc(4096);
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const header = head.toString('utf8').split('\n')[0];
  return { size, columns: header.split(',').length };
}

// ---- the measurements
// A fresh bench page in a context of its own, so in a renderer process of its own: each step's
// memory is its own (a terminated worker's memory is not given back to the system at once), and
// each starts as the page starts, with the file just chosen and read (File.arrayBuffer).
async function freshBenchPage(browser, server, f) {
  const context = await browser.newContext();
  const { result: page, pids } = await newRenderers(async () => {
    const p = await context.newPage();
    p.on('pageerror', (e) => log('bench page error: ' + e.message));
    await p.goto(server.url + '/index.html');
    await p.evaluate(() => bench.init());
    return p;
  });
  await page.setInputFiles('#file', f.path);
  const read = await measured(pids, () => page.evaluate(() => bench.readFile()));
  return { context, page, pids, read };
}

async function measureFile(browser, server, f, args) {
  const d = describeFile(f);
  log(`bench: ${f.label}: ${path.relative(ROOT, f.path)} (${f1(MB(d.size))} MB)`);
  const s = { read: [], ready: [], ours: [], bodies: [], send: [], papaparse: [], udsv: [], decode: [], page: [] };
  for (let rep = 0; rep < args.reps; rep++) {
    log(`bench: ${f.label}: run ${rep + 1} of ${args.reps}`);
    // Round robin, so that a busier minute of the machine falls on every contender alike.
    const b = await freshBenchPage(browser, server, f);
    s.read.push(b.read);
    s.ready.push(await b.page.evaluate(() => bench.oursStart()));
    s.ours.push(await measured(b.pids, () => b.page.evaluate((o) => bench.oursLoad(o), OPTIONS)));
    s.bodies.push(await measured(b.pids, () => b.page.evaluate(() => bench.oursBodies())));
    if (rep < args.sendReps) {
      const posts = server.posts;
      const r = await b.page.evaluate((u) => bench.oursSendFirst(u), server.url);
      if (r.stopReason !== 'auth' || server.posts !== posts + 1) throw new Error('bench: the queue run did not end on the refused key as expected: ' + JSON.stringify(r));
      s.send.push(r);
    }
    await b.context.close();
    for (const kind of ['papaparse', 'udsv', 'decode']) {
      const p = await freshBenchPage(browser, server, f);
      s.read.push(p.read);
      s[kind].push(await measured(p.pids, () => p.page.evaluate((k) => bench.parser(k), kind)));
      await p.context.close();
    }
  }
  for (let rep = 0; rep < args.pageReps; rep++) {
    log(`bench: ${f.label}: the page, run ${rep + 1} of ${args.pageReps}`);
    s.page.push(await pageRun(browser, server, f));
  }
  log(`bench: ${f.label}: native enrich validate, ${args.reps} runs`);
  const native = JSON.parse(execFileSync('python3', [path.join(ROOT, 'scripts', 'bench', 'native.py'), 'time', String(args.reps), f.path], { cwd: ROOT, encoding: 'utf8' }));
  return { label: f.label, path: f.path, size: d.size, columns: d.columns, samples: s, native: native.runs };
}

// The real page (build/web/index.html, over http): the file chosen in its file input; from the
// input's change to the status "Read N rows …", and the page's long tasks (over 50 ms) meanwhile.
async function pageRun(browser, server, f) {
  const context = await browser.newContext();
  try {
    const { result: page, pids } = await newRenderers(async () => {
      const p = await context.newPage();
      await p.addInitScript(() => {
        const b = window.__bench = { longtasks: [], t0: null, t1: null, failed: null };
        new PerformanceObserver((list) => { for (const e of list.getEntries()) b.longtasks.push([e.startTime, e.duration]); })
          .observe({ type: 'longtask', buffered: true });
        document.addEventListener('change', (e) => { if (e.target && e.target.id === 'file-input') b.t0 = performance.now(); }, true);
        document.addEventListener('DOMContentLoaded', () => {
          const status = document.getElementById('read-status');
          const alert = document.getElementById('alert-text');
          new MutationObserver(() => {
            if (b.t1 === null && /^Read /.test(status.textContent)) b.t1 = performance.now();
            if (alert.textContent && b.failed === null && b.t0 !== null) b.failed = alert.textContent;
          }).observe(document.body, { subtree: true, childList: true, characterData: true });
        });
      });
      await p.goto(server.url + '/web/index.html');
      await p.locator('#base-url:enabled').waitFor();
      return p;
    });
    return await measured(pids, async () => {
      await page.setInputFiles('#file-input', f.path);
      await page.waitForFunction(() => __bench.t1 !== null || __bench.failed !== null, null, { timeout: 0, polling: 50 });
      return page.evaluate(() => {
        const b = __bench;
        if (b.failed) throw new Error('the page could not read the file: ' + b.failed);
        const during = b.longtasks.filter(([start, dur]) => start + dur >= b.t0 && start <= b.t1).map(([, dur]) => dur);
        return { ms: b.t1 - b.t0, longestTaskMs: Math.max(0, ...during), longTasksMs: during.reduce((x, y) => x + y, 0),
          longTasks: during.length, status: document.getElementById('read-status').textContent };
      });
    });
  } finally {
    await context.close();
  }
}

function moduleFigures() {
  const mod = fs.readFileSync(path.join(WEB, 'enricher.js'));
  const worker = fs.readFileSync(path.join(WEB, 'enricher-worker.js'));
  const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
  return { bytes: mod.length, gzBytes: gz(mod), workerBytes: worker.length, workerGzBytes: gz(worker) };
}

function report(results, args) {
  const out = [];
  const m = results.module;
  const ready = results.files.flatMap((f) => f.samples.ready.map((r) => r.readyMs));
  out.push(`Prospect Enricher benchmark · ${results.machine.cpu}, ${results.machine.cores} cores · Chromium ${results.chromium} · ` +
    `papaparse ${results.versions.papaparse}, udsv ${results.versions.udsv} · medians of ${args.reps} ` +
    `(first request: ${args.sendReps}, the page: ${args.pageReps}) · load average ${results.loadavgStart} at the start, ${results.loadavgEnd} at the end`);
  out.push(`module: build/web/enricher.js ${f0(m.bytes / 1e3)} kB, ${f0(m.gzBytes / 1e3)} kB gzipped (as the page loads it, inside ` +
    `enricher-worker.js: ${f0(m.workerGzBytes / 1e3)} kB gzipped); ready in ${f0(median(ready))} ms (median of ${ready.length}, ${spread(ready)} ms)`);
  for (const f of results.files) {
    const s = f.samples;
    const sz = f.size;
    const rows = [['', 'median ms', 'range ms', 'MB/s', 'peak MB', 'rise MB', 'notes']];
    const peak = (xs) => f0(MB(median(xs.map((x) => x.rendererPeakBytes))));
    const rise = (xs) => '+' + f0(MB(median(xs.map((x) => Math.max(0, x.rendererPeakBytes - x.rendererBeforeBytes)))));
    const line = (name, xs, ms, notes) => rows.push([name, f0(median(ms)), spread(ms), f1(mbps(sz, median(ms))), peak(xs), rise(xs), notes]);
    const ours = s.ours.map((x) => x.totalMs);
    const sum = s.ours[0].summary;
    line('ours: full pipeline (worker)', s.ours, ours,
      `load ${f0(median(s.ours.map((x) => x.loadMs)))} ms + first view ${f0(median(s.ours.map((x) => x.viewMs)))} ms; ` +
      `wasm memory ${f0(MB(median(s.ours.map((x) => x.wasmBytes))))} MB (${(median(s.ours.map((x) => x.wasmBytes)) / sz).toFixed(1)}× the file); ` +
      `${f0(sum.rows)} rows, ${f0(sum.valid)} valid, ${f0(sum.invalid)} invalid, ${f0(sum.duplicates)} duplicates`);
    const bodies = s.bodies.map((x) => x.ms);
    const bodyChars = s.bodies[0].chars;
    rows.push(['ours: bodies, every batch', f0(median(bodies)), spread(bodies), f1(mbps(bodyChars, median(bodies))), peak(s.bodies), rise(s.bodies),
      `${f0(s.bodies[0].count)} batches, ${f1(MB(bodyChars))} MB of bodies (MB/s of bodies); wasm memory then ${f0(MB(median(s.bodies.map((x) => x.wasmBytes))))} MB`]);
    const first = s.send.map((x) => x.firstRequestMs);
    rows.push(['ours: first request leaves', f0(median(first)), spread(first), '', '', '', `after asking to send all ${f0(s.bodies[0].count)} batches`]);
    for (const [kind, name, what] of [['papaparse', 'Papa Parse, header:true', 'records'], ['udsv', 'uDSV stringObjs', 'records']]) {
      const tot = s[kind].map((x) => x.totalMs);
      const parse = s[kind].map((x) => x.parseMs);
      line(name, s[kind], tot, `decode + parse; parse alone ${f0(median(parse))} ms = ${f1(mbps(sz, median(parse)))} MB/s; ${f0(s[kind][0].records)} ${what}`);
    }
    const dec = s.decode.map((x) => x.decodeMs);
    line('TextDecoder alone', s.decode, dec, 'in a worker; its own time');
    const rd = s.read.map((x) => x.ms);
    line('File.arrayBuffer (main)', s.read, rd, 'the page reads the chosen file (each fresh page)');
    const pg = s.page.map((x) => x.ms);
    if (pg.length) {
      line('the page: chosen → shown', s.page, pg, `longest main-thread task ${f0(median(s.page.map((x) => x.longestTaskMs)))} ms, ` +
        `long tasks ${f0(median(s.page.map((x) => x.longTasksMs)))} ms in all`);
    }
    const nat = f.native.map((x) => x.secs * 1000);
    rows.push(['native enrich validate', f0(median(nat)), spread(nat), f1(mbps(sz, median(nat))), f0(MB(median(f.native.map((x) => x.peakRssBytes)))), '',
      'peak MB: the process\'s own peak RSS (wait4)']);
    out.push('');
    out.push(`${f.label}: ${path.relative(ROOT, f.path)} · ${f1(MB(sz))} MB, ${f.columns} columns, ${f0(sum.rows)} rows`);
    out.push(table(rows, 'lrrrrrl'));
  }
  out.push('');
  out.push('MB = 10^6 bytes; MB/s = the file\'s MB per second (bodies: the bodies\' MB). peak MB: the peak RSS of the renderer process ' +
    'of a fresh page (one per contender and run) ' + (peakResetWorks ? 'during that step (reset before it)' : 'since it started (the peak could not be reset here)') +
    ', the page\'s own copy of the file included; rise MB: that peak less the RSS before the step.');
  const r = results.files[0].samples;
  const ours = median(r.ours.map((x) => x.totalMs));
  const ratio = (kind) => (median(r[kind].map((x) => x.totalMs)) / ours).toFixed(2);
  out.push(`ratio ours/papaparse=${ratio('papaparse')} ours/udsv=${ratio('udsv')}`);
  return out.join('\n');
}

// ---- --profile: Chromium's CPU profile of ours (the --profiling-funcs build, on the page's main
// thread) and perf's samples of the native CLI; the top functions by self time.
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    const n = byId.get(profile.samples[i]);
    const cf = n.callFrame;
    if (cf.functionName === '(idle)') continue;
    const kind = cf.url.startsWith('wasm://') ? 'wasm' : cf.url ? 'js' : '';
    const key = (kind ? '[' + kind + '] ' : '') + (cf.functionName || '(anonymous)');
    self.set(key, (self.get(key) || 0) + dt);
    total += dt;
  }
  return { total, top: [...self.entries()].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, percent: (100 * us) / total })) };
}
const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
// C++ names as one reads them: the library's inline namespaces and the string types' spelled-out
// templates shortened.
function shortName(name) {
  return name
    .replace(/std::__2::/g, 'std::')
    .replace(/nlohmann::json_abi_v[0-9_]+::/g, 'nlohmann::')
    .replace(/std::basic_string_view<char, std::char_traits<char> ?>/g, 'string_view')
    .replace(/std::basic_string<char, std::char_traits<char>, std::allocator<char> ?>/g, 'string')
    .replace(/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> ?>/g, 'string');
}
// Self time by group: the module's own code; the invoke_* trampolines through which every call that
// may throw goes (C++ exceptions emulated in JavaScript, -fexceptions; with getWasmTableEntry);
// the wrappers of calls between wasm and JavaScript (most of them those trampolines' round trips);
// Embind's conversions of strings in and out; the large memcpy done in JavaScript; the rest.
const GROUPS = [
  ['wrappers', /^(\[\w+\] )?(wasm-to-js|js-to-wasm)\b/],
  ['wasm', /^\[wasm\] /],
  ['invoke', /^\[js\] (invoke_\w+|getWasmTableEntry)$/],
  ['embind', /^\[js\] (toWireType|fromWireType|readLatin1String|UTF8ToString|UTF8ArrayToString|simpleReadValueFromPointer)$/],
  ['memcpy', /^\[js\] _emscripten_memcpy_big$/],
  ['js', /^\[js\] /],
  ['engine', /./],
];
function groups(st) {
  const g = Object.fromEntries(GROUPS.map(([k]) => [k, 0]));
  for (const t of st.top) g[GROUPS.find(([, re]) => re.test(t.name))[0]] += t.percent;
  return `wasm code ${f1(g.wasm)}%; invoke_* trampolines ${f1(g.invoke)}% + wasm<->JS call wrappers ${f1(g.wrappers)}%; ` +
    `Embind string conversions ${f1(g.embind)}%; _emscripten_memcpy_big ${f1(g.memcpy)}%; other JavaScript ${f1(g.js)}%; ` +
    `engine (GC, TextDecoder, program) ${f1(g.engine)}%`;
}

async function profileFile(page, f, top) {
  const lines = [];
  await page.setInputFiles('#file', f.path);
  await page.evaluate(() => bench.readFile());
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  for (const [step, fn] of [['load', () => page.evaluate((o) => bench.profLoad(o), OPTIONS)], ['bodies', () => page.evaluate(() => bench.profBodies())]]) {
    await cdp.send('Profiler.start');
    const r = await fn();
    const { profile } = await cdp.send('Profiler.stop');
    const file = path.join(OUT, `${f.label}-${step}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const st = selfTimes(profile);
    lines.push('', `wasm, ${f.label}, ${step === 'load' ? 'load + batch plan' : 'bodies of every batch'}: ${f0(r.ms)} ms (${path.relative(ROOT, file)}); top by self time`);
    lines.push(table([['self %', 'self ms', 'function'], ...st.top.slice(0, top).map((t) => [f1(t.percent), f0(t.ms), clip(shortName(t.name), 110)])], 'rrl'));
    lines.push('in all: ' + groups(st));
  }
  await cdp.detach();
  const data = path.join(OUT, `${f.label}.perf.data`);
  const perf = JSON.parse(execFileSync('python3', [path.join(ROOT, 'scripts', 'bench', 'native.py'), 'perf', f.path, data], { cwd: ROOT, encoding: 'utf8' }));
  if (perf.error) lines.push('', `native, ${f.label}: ${perf.error}`);
  else {
    lines.push('', `native enrich validate, ${f.label} (perf, cpu-clock; ${path.relative(ROOT, data)}); top by self time`);
    lines.push(table([['self %', 'symbol'], ...perf.top.slice(0, top).map((t) => [f1(t.percent), clip(shortName(t.symbol), 110)])], 'rl'));
  }
  return lines.join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.out) { OUT = args.out; SITE = path.join(OUT, 'site'); }
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of args.files) if (!fs.existsSync(f.path)) throw new Error('no such file: ' + f.path);
  if (!fs.existsSync(path.join(WEB, 'enricher-worker.js'))) throw new Error('build/web is not built: run scripts/build.sh page');
  if (args.profile && !fs.existsSync(path.join(PROF, 'enricher.js'))) throw new Error('build/wasm-prof/enricher.js is missing: scripts/bench.sh --profile builds it');
  assembleSite();
  const server = await startServer();
  const browser = await launch();
  try {
    if (args.profile) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('pageerror', (e) => log('bench page error: ' + e.message));
      await page.goto(server.url + '/index.html');
      await page.evaluate(() => bench.init());
      await page.evaluate((u) => bench.profStart(u), '/prof/enricher.js');
      const parts = [];
      for (const f of args.files) { log(`bench: profiling ${f.label}`); parts.push(await profileFile(page, f, 15)); }
      process.stdout.write(parts.join('\n').trimStart() + '\n');
      return;
    }
    const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const results = {
      when: new Date().toISOString(),
      loadavgStart: loadavg(),
      machine: { cpu: ((fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) || [])[1] || os.cpus()[0].model).trim(), cores: os.cpus().length, memBytes: os.totalmem() },
      chromium: browser.version(),
      versions: { papaparse: versionOf('papaparse'), udsv: versionOf('udsv') },
      module: moduleFigures(),
      args,
      files: [],
    };
    for (const f of args.files) results.files.push(await measureFile(browser, server, f, args));
    results.peakResetWorks = peakResetWorks;
    results.loadavgEnd = loadavg();
    fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 1));
    log('bench: every sample is in ' + path.relative(ROOT, path.join(OUT, 'results.json')));
    process.stdout.write(report(results, args) + '\n');
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
}

main().catch((e) => { console.error('bench: ' + (e && e.stack || e)); process.exit(1); });
