// The exports of the loaded file: a report with one line per input row and its outcome, and a
// cleaned CSV of the valid, normalised rows. Both are made by the core (cells neutralised against
// spreadsheet formulas) and start with a BOM so that Excel reads the UTF-8. Defines no name: it
// only wires its two buttons.
'use strict';
(function (PE) {
  const { $, announce, download } = PE.util;
  const { REQUEST, STATE } = PE.protocol;
  const call = PE.engine.call;
  const stem = PE.input.stem;

  $('export-clean').addEventListener('click', async () => {
    download(stem() + '-cleaned.csv', '\uFEFF' + await call(REQUEST.cleanedCsv));
    announce('Cleaned CSV downloaded.');
  });
  // Outcomes are matched to the loaded file by batch key (a hash of the batch's emails), newest run
  // first: rows of a different file, or of batches changed since, are reported as not sent.
  $('export-report').addEventListener('click', async () => {
    const byKey = new Map();
    const live = PE.queue.runInProgress();
    for (const run of PE.ledger.runs().concat(live ? [live] : [])) for (const b of run.batches) if (b.key && b.state !== STATE.waiting) byKey.set(b.key, b);
    const outcomes = [];
    for (const p of byKey.size ? await PE.queue.keyedPlan() : []) {
      const b = byKey.get(p.key);
      if (b) outcomes.push({ index: p.index, state: b.state, uuid: b.uuid || '', queue_status: b.status || '', message: b.message || '' });
    }
    download(stem() + '-report.csv', '\uFEFF' + await call(REQUEST.reportCsv, { outcomes }));
    announce('Report downloaded.');
  });
})(window.PE);
