// The wasm IDNA backend of src/core/idna.hpp, JavaScript half: the browser's own WHATWG URL host
// parser (UTS #46 ToASCII, non-transitional, CheckBidi, CheckJoiners), the same in Node for the
// wasm test runs. Linked with --js-library into the module and into every wasm test executable.
//
// pe_idna_url_label(label, len, out, cap) -> status (the numbers of pe::IdnaStatus), the ASCII
// label written to out (NUL-terminated) on success. An "xn--" label is decoded by the C++ half
// first and its Unicode form checked here, so that the code point rules apply to it too.
//
// The URL parser applies UTS #46 but not the IDNA2008 code point rules (RFC 5892) that libidn2
// applies, so those are checked here with the engine's Unicode property tables: after the UTS #46
// mapping (approximated by NFKC and lower-casing, with default-ignorable characters removed) a
// label may hold letters (Ll Lu Lo Lm), digits (Nd), combining marks (Mn Mc) and '-', plus the
// exceptions of RFC 5892 section 2.6 (PVALID 00DF 03C2 06FD 06FE 0F0B 3007; CONTEXTO 00B7 0375
// 05F3 05F4 30FB, which libidn2 accepts without context; DISALLOWED 0640 07FA 302E 302F 3031-3035
// 303B). When the URL parser refuses a label the reason is guessed the same way libidn2 reports it.
mergeInto(LibraryManager.library, {
  pe_idna_url_label: function (labelPtr, labelLen, outPtr, cap) {
    var OK = 0, DISALLOWED = 1, BIDI = 2, JOINER = 3, LEADING_MARK = 4, INVALID = 8;
    var label = UTF8ToString(labelPtr, labelLen);
    var mapped = label.normalize('NFKC').toLowerCase().replace(/\p{Default_Ignorable_Code_Point}/gu, '');
    var allowed = /^[\p{Ll}\p{Lu}\p{Lo}\p{Lm}\p{Nd}\p{Mn}\p{Mc}\-\u00B7\u0375\u05F3\u05F4\u30FB\u06FD\u06FE\u0F0B\u3007]*$/u;
    var excluded = /[\u0640\u07FA\u302E\u302F\u3031-\u3035\u303B]/u;
    var idna2008 = allowed.test(mapped) && !excluded.test(mapped);
    var host = null;
    try {
      // A fixed last label keeps an all-digit label from being read as an IPv4 number.
      host = new URL('http://' + label + '.invalid').hostname;
    } catch (e) {
      host = null;
    }
    var suffix = '.invalid';
    if (host === null || host.length < suffix.length || host.slice(-suffix.length) !== suffix) {
      if (/[\u200C\u200D]/u.test(label)) return JOINER;
      if (/^\p{M}/u.test(mapped)) return LEADING_MARK;
      // Default-ignorable characters that UTS #46 removes never make a label fail, so one that is
      // left (a bidi control, a Hangul filler) is the reason.
      if (!idna2008 || /\p{Default_Ignorable_Code_Point}/u.test(label)) return DISALLOWED;
      if (/[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Yezidi}]/u.test(mapped)) return BIDI;
      return INVALID;
    }
    if (!idna2008) return DISALLOWED;
    var ascii = host.slice(0, host.length - suffix.length);
    if (lengthBytesUTF8(ascii) + 1 > cap) return INVALID;
    stringToUTF8(ascii, outPtr, cap);
    return OK;
  },
});
