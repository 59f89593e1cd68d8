/**
 * Which encoding a server's file names are in, from their bytes alone: a parser, bytes in, verdict out.
 *
 * UTF-8 when every name is valid UTF-8 (RFC 2640 §2.2: what a server should send, and random bytes of a code page
 * are rarely valid UTF-8). Otherwise each candidate code page reads the names, and each character read is
 * weighed by how likely it is in a file name of that language: the frequent characters (commonChars.ts) and the
 * common rows of the code page's own table weigh most, rare rows and private-use characters count against it,
 * bytes that are not characters at all count heavily against it. The best mean weight per byte wins.
 */
import { isUtf8 } from 'node:buffer';
import { COMMON_HAN, COMMON_HANGUL } from './commonChars';

/** The code pages the detector knows, as WHATWG/ICU labels (TextDecoder) which iconv-lite also knows. */
export const CODE_PAGES = ['gb18030', 'big5', 'shift_jis', 'euc-kr', 'windows-1251', 'windows-1252'] as const;
export type CodePage = (typeof CODE_PAGES)[number];

export interface EncodingVerdict {
  /** 'utf8', or the code page the names most likely are in. */
  encoding: 'utf8' | CodePage;
  /** How many names had bytes beyond ASCII (the evidence). */
  names: number;
  /** The mean weight per non-ASCII byte of each code page (utf8 verdicts: empty). Higher is likelier. */
  scores: Partial<Record<CodePage, number>>;
}

/**
 * Where two code pages read the bytes about as well (GB 2312's common rows and KS X 1001's Hangul share their
 * byte ranges), the likelier server: GBK servers are by far the most common of the non-UTF-8 ones.
 */
const PRIOR: Partial<Record<CodePage, number>> = { gb18030: 0.1 };

/** The weight of a byte that is not a character in the code page. */
const INVALID = -2;

/** The encoding of a folder's (or server's) names. Names of ASCII only say nothing and are skipped. */
export function detectNameEncoding(names: readonly Uint8Array[]): EncodingVerdict {
  const evidence = names.filter((n) => n.some((b) => b >= 0x80));
  const utf8 = { encoding: 'utf8' as const, names: evidence.length, scores: {} };
  // Names valid in UTF-8 are read as UTF-8 one by one (pathCodec.ts): the code page is judged on the others, and
  // on those whose UTF-8 reading makes no word (bytes of a code page that are valid UTF-8 by chance).
  const others = evidence.filter((n) => !isUtf8(n) || oddUtf8(Buffer.from(n).toString('utf8')));
  if (others.length === 0) return utf8;
  const scores: Partial<Record<CodePage, number>> = {};
  let best: CodePage = CODE_PAGES[0];
  for (const cp of CODE_PAGES) {
    let sum = 0;
    let bytes = 0;
    for (const n of others) {
      const s = weigh(n, cp);
      sum += s.sum;
      bytes += s.bytes;
    }
    scores[cp] = (bytes ? sum / bytes : 0) + (PRIOR[cp] ?? 0);
    if (scores[cp]! > scores[best]!) best = cp;
  }
  // Only odd UTF-8 names: a code page must read them well to be believed over UTF-8.
  if (others.every((n) => isUtf8(n)) && scores[best]! < 1) return { ...utf8, scores };
  return { encoding: best, names: evidence.length, scores };
}

/**
 * The code page to read one name in, on a server whose names are mostly in `usual`: `usual` unless another code
 * page reads this name much better (a folder mixing names saved on a Chinese, a Taiwanese and a Japanese system).
 */
export function codePageOfName(name: Uint8Array, usual: CodePage): CodePage {
  const own = perByte(weigh(name, usual));
  // Most names read well in the server's code page: no need to weigh them in the others.
  if (own >= 1) return usual;
  let best = usual;
  let bestScore = own + 0.4;
  for (const cp of CODE_PAGES) {
    if (cp === usual) continue;
    const s = perByte(weigh(name, cp));
    if (s > bestScore && s >= 0.8) {
      best = cp;
      bestScore = s;
    }
  }
  return best;
}

/**
 * Whether a name that is valid UTF-8 reads better in the server's code page `usual`: bytes of a code page are
 * sometimes valid UTF-8 by chance (目录 in GBK reads as "Ŀ¼"), and then give two-byte UTF-8 characters (U+0080 to
 * U+07FF) that are no word: not an accented letter in a Latin word, not a letter of a Cyrillic or Greek word.
 */
export function readsBetterIn(name: Uint8Array, text: string, usual: CodePage): boolean {
  return oddUtf8(text) && perByte(weigh(name, usual)) >= 1;
}

/** Whether a name read as UTF-8 has two-byte characters that make no word (see readsBetterIn). */
export function oddUtf8(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 || c > 0x7ff) continue;
    const script = scriptOf(c);
    if (script === ODD) return true;
    // Scripts side by side in one word (ĿΣ, жé) are no word; a letter alone among ASCII (ü.bin, à) is one.
    for (const n of [text.charCodeAt(i - 1), text.charCodeAt(i + 1)]) {
      if (n >= 0x80 && n <= 0x7ff && scriptOf(n) !== script) return true;
    }
    // Greek, Cyrillic and the scripts after them: a lone letter is rare in a name, a word has several.
    if (script !== LATIN && scriptOf(text.charCodeAt(i - 1)) !== script && scriptOf(text.charCodeAt(i + 1)) !== script) return true;
  }
  return false;
}

const ODD = 0;
const LATIN = 1;
/** Symbols a name may hold (U+0080-U+00BF otherwise: controls, currency, fractions: bytes of a code page). */
const NAME_SYMBOLS = new Set([0xa0, 0xa9, 0xab, 0xae, 0xb0, 0xb7, 0xbb]);

/** The script class of a two-byte UTF-8 character (U+0080-U+07FF): ODD for what names do not hold. */
function scriptOf(c: number): number {
  if (!(c >= 0x80 && c <= 0x7ff)) return -1;
  if (c < 0xc0) return NAME_SYMBOLS.has(c) ? LATIN : ODD;
  if (c <= 0x24f) return c === 0xd7 || c === 0xf7 ? ODD : LATIN;
  if (c < 0x386 || (c > 0x3ce && c < 0x400) || (c > 0x45f && c < 0x530)) return ODD; // IPA, marks, rare Greek and Cyrillic
  return c >> 8; // Greek, Cyrillic, Armenian, Hebrew, Arabic ... by block
}

function perByte(w: Weight): number {
  return w.bytes ? w.sum / w.bytes : 0;
}

interface Weight {
  sum: number;
  /** Non-ASCII bytes weighed. */
  bytes: number;
}

const decoders = new Map<CodePage, InstanceType<typeof TextDecoder>>();
function decoder(cp: CodePage): InstanceType<typeof TextDecoder> {
  let d = decoders.get(cp);
  if (!d) decoders.set(cp, (d = new TextDecoder(cp, { fatal: true })));
  return d;
}

/** The summed weight of the characters of `name` read in `cp`. */
export function weigh(name: Uint8Array, cp: CodePage): Weight {
  let sum = 0;
  let bytes = 0;
  const single = cp === 'windows-1251' || cp === 'windows-1252';
  if (single) {
    const text = decoder(cp).decode(name);
    const cyr = cp === 'windows-1251' ? cyrillicWeights(text) : undefined;
    for (let i = 0; i < name.length; i++) {
      if (name[i] < 0x80) continue;
      bytes++;
      sum += cyr ? cyr[i] : latinWeight(text, i);
    }
    return { sum, bytes };
  }
  const whole = weighWhole(name, cp);
  if (whole) return whole;
  let i = 0;
  while (i < name.length) {
    const b = name[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = charLength(name, i, cp);
    const seg = name.subarray(i, i + len);
    bytes += len;
    i += len;
    let ch: string;
    try {
      ch = decoder(cp).decode(seg);
    } catch {
      sum += INVALID * len;
      continue;
    }
    sum += cjkWeight(seg, ch.codePointAt(0)!, cp);
  }
  return { sum, bytes };
}

/**
 * weigh() for a name that decodes as a whole: one decode, then its characters walked beside their bytes. Undefined
 * when it does not decode, or when a character is not one code point (Big5's few two-code-point characters): then
 * character by character.
 */
function weighWhole(name: Uint8Array, cp: CodePage): Weight | undefined {
  let text: string;
  try {
    text = decoder(cp).decode(name);
  } catch {
    return undefined;
  }
  let sum = 0;
  let bytes = 0;
  let i = 0;
  let j = 0;
  while (i < name.length) {
    if (j >= text.length) return undefined;
    const b = name[i];
    if (b < 0x80) {
      i++;
      j++;
      continue;
    }
    const len = charLength(name, i, cp);
    const point = text.codePointAt(j)!;
    j += point > 0xffff ? 2 : 1;
    sum += cjkWeight(name.subarray(i, i + len), point, cp);
    bytes += len;
    i += len;
  }
  return j === text.length ? { sum, bytes } : undefined;
}

/** Bytes of the character starting at `i` by the code page's lead-byte structure (1 when the byte leads nothing). */
function charLength(name: Uint8Array, i: number, cp: CodePage): number {
  const b = name[i];
  const next = i + 1 < name.length ? name[i + 1] : -1;
  switch (cp) {
    case 'gb18030':
      if (b < 0x81 || b > 0xfe || next < 0) return 1;
      if (next >= 0x30 && next <= 0x39) return Math.min(4, name.length - i);
      return 2;
    case 'shift_jis':
      if ((b >= 0xa1 && b <= 0xdf) || next < 0) return 1;
      return (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc) ? 2 : 1;
    default: // big5, euc-kr
      return b >= 0x81 && b <= 0xfe && next >= 0 ? 2 : 1;
  }
}

const inRange = (v: number, lo: number, hi: number) => v >= lo && v <= hi;
const isKana = (cp: number) => inRange(cp, 0x3041, 0x30ff);

/** The weight of one character of a CJK code page: its bytes (lead, trail) say which row of the table it is in. */
function cjkWeight(seg: Uint8Array, cp: number, page: CodePage): number {
  if (inRange(cp, 0xe000, 0xf8ff)) return -2; // private use: user-defined rows
  if (seg.length === 1) return page === 'shift_jis' && inRange(cp, 0xff61, 0xff9f) ? 0.2 : -1; // half-width katakana
  if (seg.length > 2) return -2; // GB18030's four-byte forms: rare characters
  const code = (seg[0] << 8) | seg[1];
  const lead = seg[0];
  const trail = seg[1];
  switch (page) {
    case 'gb18030':
      if (trail < 0xa1) return COMMON_HAN.has(cp) ? 1.5 : -1; // GBK's additions: traditional and rare characters
      if (COMMON_HAN.has(cp)) return 3;
      if (inRange(lead, 0xb0, 0xd7)) return 1.5; // GB 2312 level 1, the 3755 common characters
      if (inRange(lead, 0xd8, 0xf7)) return 0.4;
      if (inRange(lead, 0xa1, 0xa3)) return 0.5; // punctuation, numbers, full-width ASCII
      return -0.5;
    case 'big5':
      if (COMMON_HAN.has(cp)) return 3;
      // The frequently used characters. Those with a trail byte below 0x7F are Big5's own mark: GB 2312 has none,
      // and its text read as Big5 lands on the others.
      if (inRange(code, 0xa440, 0xc67e)) return trail < 0x80 ? 2 : 1.3;
      if (inRange(code, 0xc940, 0xf9d5)) return 0.4;
      if (inRange(code, 0xa140, 0xa1fe)) return 0.5;
      return -1;
    case 'shift_jis':
      if (isKana(cp) || COMMON_HAN.has(cp)) return 3;
      if (inRange(code, 0x889f, 0x9872)) return 2; // JIS level 1 kanji
      if (inRange(code, 0x989f, 0xeaa4)) return 0.4;
      if (inRange(lead, 0x81, 0x82)) return 0.5; // symbols, full-width letters and digits
      return -1;
    case 'euc-kr':
      if (COMMON_HANGUL.has(cp)) return 3;
      if (trail < 0xa1) return -0.5; // Windows 949's additions: rare syllables
      if (inRange(lead, 0xb0, 0xc8)) return 2; // the 2350 syllables of KS X 1001
      if (inRange(lead, 0xca, 0xfd)) return COMMON_HAN.has(cp) ? 1 : 0.2; // hanja
      if (inRange(lead, 0xa1, 0xa3)) return 0.5;
      return -0.5;
    default:
      return -1;
  }
}

const isAsciiLetter = (c: number) => inRange(c | 0x20, 0x61, 0x7a);
const isCyrillic = (c: number) => inRange(c, 0x0400, 0x045f);
const COMMON_SYMBOLS = new Set('«»–—‘’“”…€©®°·²³½¼¾µ´¡¿№'.split('').map((c) => c.charCodeAt(0)));

const VOWELS = new Set('аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ'.split('').map((c) => c.charCodeAt(0)));

/**
 * windows-1251: Cyrillic words. A run of Cyrillic letters reads as a word when its case is one a word has (all
 * lower, all upper, or a capital then lower) and it has a vowel; the same bytes of another code page read as
 * Cyrillic give runs like ЦРОДОДјю. A Cyrillic letter glued to a Latin one is no word either.
 */
function cyrillicWeights(text: string): number[] {
  const w: number[] = new Array<number>(text.length).fill(0);
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!isCyrillic(c)) {
      if (c >= 0x80) w[i] = COMMON_SYMBOLS.has(c) ? 0.3 : inRange(c, 0x80, 0x9f) ? -3 : -0.5;
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && isCyrillic(text.charCodeAt(end))) end++;
    const word = text.slice(i, end);
    const rest = word.slice(1);
    const caseOk = rest === rest.toLowerCase() || word === word.toUpperCase();
    const vowel = [...word].some((ch) => VOWELS.has(ch.charCodeAt(0)));
    const glued = isAsciiLetter(text.charCodeAt(i - 1)) || isAsciiLetter(text.charCodeAt(end));
    const weight = glued ? -1.5 : caseOk && (vowel || word.length < 3) ? 1.5 : 0.3;
    for (let k = i; k < end; k++) w[k] = weight;
    i = end;
  }
  return w;
}

const isLatinAccented = (c: number) => (inRange(c, 0xc0, 0xff) && c !== 0xd7 && c !== 0xf7) || [0x152, 0x153, 0x160, 0x161, 0x17d, 0x17e, 0x178].includes(c);

/** windows-1252: accented letters next to plain letters (café, Müller, niño); runs of them only are not words. */
function latinWeight(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
  const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
  if (isLatinAccented(c)) {
    if (isAsciiLetter(prev) && isAsciiLetter(next)) return 1.6;
    if (isAsciiLetter(prev) || isAsciiLetter(next)) return 1.2;
    if (isLatinAccented(prev) || isLatinAccented(next)) return -0.2;
    return 0.3;
  }
  if (COMMON_SYMBOLS.has(c)) return 0.3;
  return inRange(c, 0x80, 0x9f) ? -3 : -0.5;
}
