// Numbers and plurals in words, as the page writes them (en-US digits): used by the page's views
// and by the pure run model (run.js). A classic script that defines PE.words, or module.exports
// under Node.
(function (root) {
  'use strict';

  const fmt = (n) => Number(n).toLocaleString('en-US');
  const credits = (n) => Number(n).toLocaleString('en-US', { maximumFractionDigits: 1 });
  // "1 batch", "2 batches": n formatted, with the singular or plural noun.
  const counted = (n, one, many) => fmt(n) + ' ' + (Number(n) === 1 ? one : (many || one + 's'));
  // A size in bytes as a file manager writes it: "1.05 GB", "158.0 MB", "12 kB", "300 bytes".
  const sizeText = (n) => (n >= 1e9 ? (n / 1e9).toFixed(2) + ' GB' : n >= 1e6 ? (n / 1e6).toFixed(1) + ' MB'
    : n >= 1e3 ? Math.round(n / 1e3) + ' kB' : n + ' bytes');

  const api = { fmt, credits, counted, sizeText };
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  else (root.PE = root.PE || {}).words = api;
})(typeof self !== 'undefined' ? self : this);
