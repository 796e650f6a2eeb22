// Numbers and plurals in words, as the page writes them (en-US digits): used by the page's views
// and by the pure run model (run.js). A classic script that defines PE.words, or module.exports
// under Node.
(function (root) {
  'use strict';

  const fmt = (n) => Number(n).toLocaleString('en-US');
  const credits = (n) => Number(n).toLocaleString('en-US', { maximumFractionDigits: 1 });
  // "1 batch", "2 batches": n formatted, with the singular or plural noun.
  const counted = (n, one, many) => fmt(n) + ' ' + (Number(n) === 1 ? one : (many || one + 's'));

  const api = { fmt, credits, counted };
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  else (root.PE = root.PE || {}).words = api;
})(typeof self !== 'undefined' ? self : this);
