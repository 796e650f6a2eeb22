// The JavaScript parsers the benchmark compares with, each in a fresh Web Worker as ours runs in
// one: the page posts the file's bytes (transferred), the worker decodes them with TextDecoder and
// parses the text, and answers with the two times and the number of records.
//   papaparse  Papa.parse(text, {header: true})            (papaparse.min.js, npm papaparse)
//   udsv       initParser(inferSchema(text)).stringObjs(text) (uDSV.iife.min.js, npm udsv)
//   decode     TextDecoder alone
// The libraries are copied next to this file from node_modules by scripts/bench/run.js.
/* global Papa, uDSV */
'use strict';
importScripts('papaparse.min.js', 'uDSV.iife.min.js');

const parsers = {
  papaparse: (text) => {
    const r = Papa.parse(text, { header: true });
    return { records: r.data.length, fields: r.meta.fields.length };
  },
  udsv: (text) => {
    const parser = uDSV.initParser(uDSV.inferSchema(text));
    const rows = parser.stringObjs(text);
    return { records: rows.length, fields: rows.length ? Object.keys(rows[0]).length : 0 };
  },
  decode: () => ({ records: null, fields: null }),
};

self.onmessage = (e) => {
  const { kind, bytes } = e.data;
  try {
    const t0 = performance.now();
    const text = new TextDecoder('utf-8').decode(new Uint8Array(bytes));
    const t1 = performance.now();
    const out = parsers[kind](text);
    const t2 = performance.now();
    self.postMessage({ ok: true, decodeMs: t1 - t0, parseMs: t2 - t1, chars: text.length, records: out.records, fields: out.fields });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err && err.stack || err) });
  }
};
self.postMessage({ ready: true });
