// Unit tests (no browser) of the page's pure checks: web/js/policy.js (where the API key may be
// sent, what a key may contain, the curl command) and web/js/stored.js (what is read back from
// storage).
// The curl command is run for real by bash and by sh, with `curl` replaced by a script that only
// records its arguments, and PATH holding nothing else: the command must hand curl exactly the
// values it was built from, and nothing in those values may run.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
require('./page_constants.js');   // PE.constants first, as the page loads them (stored.js reads the batch states)
const policy = require(path.join(ROOT, 'web', 'js', 'policy.js'));
const stored = require(path.join(ROOT, 'web', 'js', 'stored.js'));

test('base URL policy: the allowed origins, normalised', () => {
  const ok = (text, origin, want) => {
    const r = policy.checkBaseUrl(text, origin);
    assert.equal(r.ok, true, text + ': ' + r.message);
    assert.equal(r.url, want);
  };
  ok('https://api.woodpecker.co', null, 'https://api.woodpecker.co');
  ok('https://api.woodpecker.co/', 'null', 'https://api.woodpecker.co');
  ok(' http://127.0.0.1:8090/ ', null, 'http://127.0.0.1:8090');
  ok('http://localhost:9/sandbox', null, 'http://localhost:9/sandbox');
  ok('http://127.0.0.1:8090/a/b.c_d~e-f', null, 'http://127.0.0.1:8090/a/b.c_d~e-f');
  ok('http://example.org:8080/woodpecker', 'http://example.org:8080', 'http://example.org:8080/woodpecker');
  ok('https://pe.example.org/woodpecker/', 'https://pe.example.org', 'https://pe.example.org/woodpecker');
});

test('base URL policy: everything else is refused with a reason', () => {
  const refused = (text, origin, reason) => {
    const r = policy.checkBaseUrl(text, origin);
    assert.equal(r.ok, false, text + ' must be refused');
    assert.match(r.message, reason, text);
    assert.match(r.message, /Allowed are https:\/\/api\.woodpecker\.co/);
  };
  refused('http://127.0.0.1:8090/x" ; touch /tmp/PWNED ; echo "', null, /Character 24 of the API base URL is the character “"”/);
  refused("http://127.0.0.1:8090/x' ; id ; '", null, /the character “'”/);
  refused('http://127.0.0.1:8090/$(id)', null, /the character “\$”/);
  refused('http://127.0.0.1:8090/`id`', null, /the character “`”/);
  refused('http://127.0.0.1:8090/a;b', null, /the character “;”/);
  refused('http://127.0.0.1:8090/a\nb', null, /a line break \(U\+000A\)/);
  refused('http://127.0.0.1:8090/a b', null, /a space \(U\+0020\)/);
  refused('http://127.0.0.1:8090/%22', null, /path .* only letters, digits/);
  refused('http://127.0.0.1:8090/\u00e9', null, /“é” \(U\+00E9\)/);
  refused('http://user:pw@127.0.0.1:8090', null, /user name or password/);
  refused('http://127.0.0.1:8090/?x=1', null, /query/);
  refused('http://127.0.0.1:8090/#x', null, /fragment/);
  refused('https://evil.example', null, /does not send the API key to https:\/\/evil\.example/);
  refused('https://api.woodpecker.co.evil.example', null, /does not send the API key/);
  refused('http://api.woodpecker.co', null, /does not send the API key to http:\/\/api\.woodpecker\.co/);
  refused('https://api.woodpecker.co:8443', null, /does not send the API key/);
  refused('http://127.0.0.1/', null, /needs its port/);
  refused('https://127.0.0.1:8090', null, /does not send the API key/);
  refused('http://example.org:8080/x', 'null', /does not send the API key/);   // from disk there is no own origin
  refused('http://example.org:8080/x', 'http://example.org:9090', /does not send the API key/);
  refused('', null, /No API base URL/);
  refused('127.0.0.1:8090', null, /not a complete URL|does not send/);
  refused('javascript:alert(1)', null, /not a complete URL|does not send|character/);
});

test('API key check: printable ASCII only; the first wrong character is named with its place', () => {
  assert.equal(policy.keyProblem('sandbox-key'), null);
  assert.equal(policy.keyProblem('  abc!#$%&()*+,-./:;<=>?@[]^_`{|}~ \t'), null, 'surrounding white space is trimmed, ASCII punctuation is fine');
  const key = 'abcdefghijklmnopqrstuvwxyz012345\u200b6789';
  assert.equal(policy.keyProblem(key),
    'Character 33 of the API key is an invisible zero-width space (U+200B): delete it and paste the key again. An API key has only letters, digits and ASCII punctuation.');
  assert.match(policy.keyProblem('  ab\u00a0cd'), /^Character 5 of the API key is a non-breaking space \(U\+00A0\)/, 'counted in the field as typed');
  assert.match(policy.keyProblem('ab\u201ccd\u201d'), /^Character 3 of the API key is the character “\u201c” \(U\+201C\) \(and 1 more character like it\)/);
  assert.match(policy.keyProblem('a\ufeffb'), /invisible byte order mark \(U\+FEFF\)/);
  assert.match(policy.keyProblem('a\u0007b'), /invisible control character \(U\+0007\)/);
  assert.match(policy.keyProblem('a\nb'), /a line break \(U\+000A\)/);
  assert.match(policy.keyProblem('k\u{1F511}y'), /Character 2 of the API key is the character “\u{1F511}” \(U\+1F511\)/u);
});

// Runs `script` with shell `sh` in an empty directory, PATH = a directory holding only a fake curl
// that appends its arguments (NUL-terminated, then an end marker) to a file.
function runWithFakeCurl(shell, script, env) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-curl-'));
  const bin = path.join(dir, 'bin');
  const work = path.join(dir, 'work');
  fs.mkdirSync(bin);
  fs.mkdirSync(work);
  const log = path.join(dir, 'argv.log');
  fs.writeFileSync(path.join(bin, 'curl'), '#!/bin/sh\nfor a in "$@"; do printf \'%s\\000\' "$a"; done >> "$PE_ARGV_LOG"\nprintf \'<end>\\000\' >> "$PE_ARGV_LOG"\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'pasted.sh'), script);
  const r = spawnSync(shell, [path.join(dir, 'pasted.sh')], {
    cwd: work, encoding: 'utf8',
    env: Object.assign({ PATH: bin, PE_ARGV_LOG: log, HOME: work }, env),
  });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('<end>\0').filter((c) => c !== '').map((c) => c.split('\0').slice(0, -1)) : [];
  const created = fs.readdirSync(work).concat(fs.readdirSync(dir).filter((n) => !['bin', 'work', 'argv.log', 'pasted.sh'].includes(n)));
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls, created, error: r.error };
}

test('the curl command hands curl exactly its values under bash and sh, and runs nothing else', () => {
  const hostile = [
    'http://127.0.0.1:8090/x" ; echo pwned > dq ; echo "',
    "http://127.0.0.1:8090/x' ; echo pwned > sq ; echo '",
    'http://127.0.0.1:8090/$(echo pwned > subst)/`echo pwned > tick`',
    'http://127.0.0.1:8090/a;echo pwned > semi;\necho pwned > newline\n&& echo pwned > and | cat > pipe',
    "http://127.0.0.1:8090/'\\''$(echo pwned > requote)",
    'http://127.0.0.1:8090/\\" $WOODPECKER_API_KEY ${HOME} ~ * ? [a] !! #',
  ];
  const body = JSON.stringify({ prospects: [{ email: "o'brien@example.com", first_name: 'A "quoted" $(echo pwned > body) `echo pwned > bodytick`', last_name: "x'; echo pwned > bodysq; '" }] });
  const key = 'k3y "with" $(echo pwned > keyfile) \'quotes\'';
  for (const url of hostile) {
    const cmd = policy.curlCommand(url, body);
    assert.match(cmd, /--header "x-api-key: \$WOODPECKER_API_KEY"/, 'the key is referred to, never written');
    for (const shell of ['/bin/bash', '/bin/sh']) {
      const r = runWithFakeCurl(shell, cmd + '\n', { WOODPECKER_API_KEY: key });
      assert.equal(r.error, undefined);
      assert.equal(r.stderr, '', shell + ' printed errors (something else tried to run): ' + r.stderr);
      assert.equal(r.status, 0, shell);
      assert.deepEqual(r.created, [], shell + ': files were created by the command: ' + r.created.join(', '));
      assert.equal(r.calls.length, 1, shell + ': curl runs exactly once');
      assert.deepEqual(r.calls[0], ['--request', 'POST', '--url', url, '--header', 'x-api-key: ' + key,
        '--header', 'Content-Type: application/json', '--data', body], shell + ' with ' + JSON.stringify(url));
    }
  }
});

test('the fake curl and its checks can see an injection (the old double-quoted URL)', () => {
  // The form of the command before the fix: the URL in double quotes. The same checks catch it.
  const url = 'http://127.0.0.1:8090/x" ; echo pwned > dq ; echo "';
  const old = 'curl --request POST \\\n  --url "' + url + '" \\\n  --header "x-api-key: $WOODPECKER_API_KEY"\n';
  const r = runWithFakeCurl('/bin/bash', old, { WOODPECKER_API_KEY: 'k' });
  assert.deepEqual(r.created, ['dq']);
  assert.notDeepEqual(r.calls[0], ['--request', 'POST', '--url', url, '--header', 'x-api-key: k']);
});

test('ledger from storage: each corrupt value is dropped and described; good runs are kept and rebuilt', () => {
  const good = { id: 'r1', owner: 't', heartbeat: 5, created: '2026-05-01T08:00:00.000Z', baseUrl: 'http://127.0.0.1:8090', file: 'a.csv',
    batches: [{ index: 0, count: 2, key: 'abcdef0123456789-2', first: 'a@x.io', last: 'b@x.io', state: 'sent', uuid: 'u-1', message: 'ok', status: 'ENQUEUED', counts: { queued: 2, submitted: 2 }, extra: 'dropped' }] };
  for (const text of ['{"runs":null}', '{"runs":{}}', '[]', '[null]', 'null', '7', '"x"', '{', '{"runs":"a"}']) {
    const r = stored.readLedger(text);
    assert.deepEqual(r.runs, [], text);
    assert.match(r.dropped, /^the record of earlier runs \(it was not in the form this page writes\)$/, text);
  }
  const mixed = stored.readLedger(JSON.stringify({ runs: [{}, null, good, Object.assign({}, good, { id: 'r2', batches: null }),
    Object.assign({}, good, { id: 'r3', batches: [{ index: 0, count: 1, state: 'exploded' }] }),
    Object.assign({}, good, { id: 'r4', created: 'yesterday' }), Object.assign({}, good, { id: 'r5', baseUrl: { href: 'x' } }),
    Object.assign({}, good, { id: 'r6', batches: [Object.assign({}, good.batches[0], { counts: { queued: '2' } })] })] }));
  assert.equal(mixed.dropped, '7 earlier runs of 8 (missing or wrong details)');
  assert.equal(mixed.runs.length, 1);
  assert.equal(mixed.runs[0].id, 'r1');
  assert.equal('extra' in mixed.runs[0].batches[0], false, 'only known fields are kept');
  assert.deepEqual(mixed.runs[0].batches[0].counts, { queued: 2, submitted: 2 });
  assert.deepEqual(stored.readLedger(null), { runs: [], dropped: '' });
  assert.deepEqual(stored.readLedger(JSON.stringify({ runs: [] })), { runs: [], dropped: '' });
  assert.equal(stored.readLedger(JSON.stringify({ runs: [good] })).dropped, '');
});

test('history from storage: each corrupt value is dropped and described', () => {
  for (const text of ['{}', '{"runs":[]}', 'null', '3', '{']) {
    const r = stored.readHistory(text);
    assert.deepEqual(r.entries, [], text);
    assert.match(r.dropped, /^the history of queued batches \(it was not in the form this page writes\)$/, text);
  }
  const good = { uuid: 'u-1', created: '2026-05-01T08:00:00.000Z', status: 'ENQUEUED', queued: 2, submitted: 2, baseUrl: 'https://evil.example' };
  const r = stored.readHistory(JSON.stringify([good, {}, null, [], { uuid: 5, created: good.created }, Object.assign({}, good, { queued: 'two' }),
    Object.assign({}, good, { finished: 'soon' })]));
  assert.equal(r.dropped, '6 entries of 7 in the history of queued batches (missing or wrong details)');
  assert.deepEqual(r.entries, [good], 'a base URL is kept as text: it is checked when a request would use it');
  assert.deepEqual(stored.readHistory('[]'), { entries: [], dropped: '' });
});
