// Pure checks shared by the page, its worker (web/worker.js, which gets a copy of this file from
// scripts/bundle_web.js) and the unit tests under Node: where an API key may be sent, what an API
// key may contain, and the equivalent curl command of a request.
// A classic script (the page also works from file://): it defines PE.policy on the global object
// (window in the page, self in the worker), or module.exports under Node.
(function (root) {
  'use strict';

  const WOODPECKER = 'https://api.woodpecker.co';
  // The path of a base URL: plain path characters only (no %-escapes, quotes, spaces, $ or ;).
  const PATH_OK = /^[A-Za-z0-9/._~-]*$/;

  // Characters people paste by accident, in words.
  const NAMED = {
    0x09: 'a tab', 0x0a: 'a line break', 0x0d: 'a line break', 0x20: 'a space', 0xa0: 'a non-breaking space',
    0xad: 'an invisible soft hyphen', 0x200b: 'an invisible zero-width space', 0x200c: 'an invisible zero-width non-joiner',
    0x200d: 'an invisible zero-width joiner', 0x200e: 'an invisible left-to-right mark', 0x200f: 'an invisible right-to-left mark',
    0x2028: 'a line separator', 0x2029: 'a paragraph separator', 0x2060: 'an invisible word joiner',
    0xfeff: 'an invisible byte order mark', 0x3000: 'a wide space',
  };
  const hex = (cp) => 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  // "an invisible zero-width space (U+200B)", "the character “é” (U+00E9)".
  function describeChar(ch) {
    const cp = ch.codePointAt(0);
    if (NAMED[cp]) return NAMED[cp] + ' (' + hex(cp) + ')';
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 'an invisible control character (' + hex(cp) + ')';
    if (cp >= 0x2000 && cp <= 0x200a) return 'a typographic space (' + hex(cp) + ')';
    return 'the character “' + ch + '” (' + hex(cp) + ')';
  }

  // The API key goes into an HTTP header: printable ASCII only. Leading and trailing white space is
  // ignored (the page trims it). Returns null, or a sentence naming the first wrong character and
  // its place (counted in characters of the field as typed, from 1).
  function keyProblem(value) {
    const chars = Array.from(String(value == null ? '' : value));
    let start = 0, end = chars.length;
    while (start < end && /^\s$/u.test(chars[start])) start++;
    while (end > start && /^\s$/u.test(chars[end - 1])) end--;
    const bad = [];
    for (let i = start; i < end; i++) {
      const cp = chars[i].codePointAt(0);
      if (cp < 0x20 || cp > 0x7e) bad.push(i);
    }
    if (!bad.length) return null;
    const i = bad[0];
    return 'Character ' + (i + 1) + ' of the API key is ' + describeChar(chars[i]) +
      (bad.length > 1 ? ' (and ' + (bad.length - 1) + ' more character' + (bad.length > 2 ? 's' : '') + ' like it)' : '') +
      ': delete it and paste the key again. An API key has only letters, digits and ASCII punctuation.';
  }

  // Where the API key may be sent. Allowed: https://api.woodpecker.co, the page's own origin when it
  // is served over http(s) (its proxy), and http on 127.0.0.1 or localhost with a port (a sandbox);
  // with a path of plain characters, and no user name, password, query or fragment.
  // pageOrigin: location.origin of the page ("null" from disk). Returns {ok: true, url} with the
  // URL normalised (no trailing slash), or {ok: false, message} saying what is wrong.
  function checkBaseUrl(text, pageOrigin) {
    const raw = String(text == null ? '' : text).trim();
    const own = typeof pageOrigin === 'string' && /^https?:\/\/[^/]+$/.test(pageOrigin) ? pageOrigin : null;
    const allowed = 'Allowed are ' + WOODPECKER + ', ' + (own ? 'this server (' + own + '), ' : '') +
      'and a sandbox on this machine with a port, such as http://127.0.0.1:8090.';
    if (!raw) return { ok: false, message: 'No API base URL is given. ' + allowed };
    const chars = Array.from(raw);
    for (let i = 0; i < chars.length; i++) {
      const cp = chars[i].codePointAt(0);
      if (cp <= 0x20 || cp > 0x7e || '"\'`\\<>{}|^$;'.includes(chars[i])) {
        return { ok: false, message: 'Character ' + (i + 1) + ' of the API base URL is ' +
          (cp > 0x20 && cp <= 0x7e ? 'the character “' + chars[i] + '”' : describeChar(chars[i])) + ', which a base URL may not contain. ' + allowed };
      }
    }
    let u;
    try { u = new URL(raw); } catch (e) {
      return { ok: false, message: '“' + raw + '” is not a complete URL (it should look like ' + WOODPECKER + '). ' + allowed };
    }
    if (u.username || u.password || raw.includes('@')) return { ok: false, message: 'The API base URL may not contain a user name or password (the part before “@”). ' + allowed };
    if (raw.includes('?')) return { ok: false, message: 'The API base URL may not contain a query (the part from “?”). ' + allowed };
    if (raw.includes('#')) return { ok: false, message: 'The API base URL may not contain a fragment (the part from “#”). ' + allowed };
    const origin = u.origin;
    const ok = origin === WOODPECKER || (own !== null && origin === own) ||
      (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost') && u.port !== '');
    if (!ok) {
      const local = u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
      return { ok: false, message: (local ? 'A sandbox URL needs its port, such as http://127.0.0.1:8090. '
        : 'This page does not send the API key to ' + origin + '. ') + allowed };
    }
    if (!PATH_OK.test(u.pathname)) {
      return { ok: false, message: 'The path of the API base URL may contain only letters, digits and / . _ ~ -. ' + allowed };
    }
    return { ok: true, url: origin + u.pathname.replace(/\/+$/, '') };
  }

  // A word for a POSIX shell: single-quoted, a quote inside written as '\''.
  function shellQuote(s) { return "'" + String(s).replace(/'/g, "'\\''") + "'"; }

  // The curl command equivalent to a queue request. Every value is single-quoted; the key is never
  // written: the header refers to $WOODPECKER_API_KEY, which the shell expands (a fixed string).
  function curlCommand(url, body) {
    return [
      'curl --request POST',
      '--url ' + shellQuote(url),
      '--header "x-api-key: $WOODPECKER_API_KEY"',
      '--header ' + shellQuote('Content-Type: application/json'),
      '--data ' + shellQuote(body),
    ].join(' \\\n  ');
  }

  const api = { checkBaseUrl, keyProblem, curlCommand };
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  else (root.PE = root.PE || {}).policy = api;
})(typeof self !== 'undefined' ? self : this);
