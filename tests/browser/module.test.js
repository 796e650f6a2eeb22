'use strict';
// The built module (build/web/enricher.js) under Node, called as the worker calls it: the file's
// bytes go in through Session.input (a buffer of the file's size in the module's memory, filled with
// one TypedArray.set) and Session.load reads them. What a load answers, and what happens when the
// buffer cannot be had.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const createEnricher = require(path.join(ROOT, 'build', 'web', 'enricher.js'));
const OPTIONS = { encoding: 'auto', delimiter: 'auto', batch_size: 50 };

let M;
test.before(async () => { M = await createEnricher(); });

// As web/worker.js's loadBytes: the view is filled at once, then the bytes are loaded.
function load(session, bytes, options = OPTIONS) {
  const view = session.input(bytes.length);
  if (typeof view === 'string') return JSON.parse(view);
  assert.ok(view instanceof Uint8Array, 'input() gives a view of the module\'s memory');
  assert.equal(view.length, bytes.length);
  view.set(bytes);
  return JSON.parse(session.load(options));
}

test('bytes written through input() are the file load() reads: every byte, in any encoding', () => {
  const s = new M.Session();
  const csv = 'email,first_name\r\nada@example.com,Ada\r\nnot-an-email,Bob\r\n,,\r\ngrace@example.org,Grace\r\n';
  let state = load(s, Buffer.from(csv, 'utf8'));
  assert.equal(state.ok, true, JSON.stringify(state));
  assert.deepEqual([state.summary.rows, state.summary.valid, state.summary.invalid, state.summary.blank_lines], [3, 2, 1, 1]);
  const rows = JSON.parse(s.rows('all', 0, 10)).rows.map((r) => r.cells);
  assert.deepEqual(rows, [['ada@example.com', 'Ada'], ['not-an-email', 'Bob'], ['grace@example.org', 'Grace']]);
  // UTF-16 LE with its BOM, and a name beyond ASCII: the bytes arrive as they are.
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,first_name\nzoe@example.com,Zoë\n', 'utf16le')]);
  state = load(s, utf16);
  assert.equal(state.ok, true, JSON.stringify(state));
  assert.equal(state.summary.valid, 1);
  assert.deepEqual(JSON.parse(s.rows('all', 0, 1)).rows[0].cells, ['zoe@example.com', 'Zoë']);
  s.delete();
});

test('an empty file and a second load: each answer is of its own bytes, nothing of the one before', () => {
  const s = new M.Session();
  assert.equal(load(s, Buffer.from('email\na@example.com\nb@example.com\n')).summary.rows, 2);
  const empty = load(s, Buffer.alloc(0));
  assert.equal(empty.ok, false);
  assert.match(empty.error, /[a-z]{3}/i, 'the reason in words');
  assert.equal(JSON.parse(s.rows('all', 0, 10)).total, 0, 'the earlier file is gone');
  assert.equal(load(s, Buffer.from('email\nc@example.com\n')).summary.rows, 1);
  s.delete();
});

test('a file the module has no room for is answered in words, and the earlier file is gone', () => {
  const s = new M.Session();
  assert.equal(load(s, Buffer.from('email\na@example.com\n')).summary.rows, 1);
  // More than a 32-bit module can ever hold: the buffer cannot be had; no view, the load's answer.
  const answer = s.input(4294967295);
  assert.equal(typeof answer, 'string');
  const state = JSON.parse(answer);
  assert.equal(state.ok, false);
  assert.match(state.error, /needs more memory than the page can use|too large/i, state.error);
  assert.doesNotMatch(state.error, /\d{7,}/, 'no pointer or raw number');
  assert.equal(JSON.parse(s.rows('all', 0, 10)).total, 0);
  // And the module still works.
  assert.equal(load(s, Buffer.from('email\nb@example.com\n')).summary.rows, 1);
  s.delete();
});
