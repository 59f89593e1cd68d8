/**
 * A small XML reader for settings files written by programs (FileZilla's sitemanager.xml): elements, attributes,
 * text, the five named entities and character references, comments, CDATA, the XML declaration and a DOCTYPE
 * without an internal subset (XML 1.0 §2-§4). Text in, a tree out; what it does not understand is an error that
 * says where. No namespaces, no DTD entities: such files have none.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** Child elements and text, in order. */
  children: (XmlElement | string)[];
}

export class XmlError extends Error {
  constructor(message: string, readonly line: number) {
    super(`${message} (line ${line})`);
    this.name = 'XmlError';
  }
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

/** The document's root element. */
export function parseXml(text: string): XmlElement {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lineAt = (pos: number) => {
    let n = 1;
    for (let k = 0; k < pos && k < text.length; k++) if (text.charCodeAt(k) === 10) n++;
    return n;
  };
  const fail = (msg: string, pos = i): never => {
    throw new XmlError(msg, lineAt(pos));
  };
  const skipUntil = (end: string, what: string) => {
    const j = text.indexOf(end, i);
    if (j < 0) fail(`${what} is not closed`);
    i = j + end.length;
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) return fail('a name was expected');
    i += m[0].length;
    return m[0];
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const decode = (raw: string, at: number): string =>
    raw.includes('&')
      ? raw.replace(/&([^;&\s]*);?/g, (whole, ref: string, offset: number) => {
          const pos = at + offset;
          if (!whole.endsWith(';')) fail(`"&" not followed by a reference ending in ";"`, pos);
          if (ref.startsWith('#')) {
            const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
            if (!Number.isInteger(cp) || cp < 0 || cp > 0x10ffff) fail(`bad character reference "&${ref};"`, pos);
            return String.fromCodePoint(cp);
          }
          const named = NAMED[ref];
          if (named === undefined) fail(`unknown entity "&${ref};"`, pos);
          return named;
        })
      : raw;

  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? text.length : lt;
    if (textEnd > i) {
      const raw = text.slice(i, textEnd);
      if (stack.length > 0) stack[stack.length - 1].children.push(decode(raw, i));
      else if (raw.trim()) fail('text outside the root element');
      i = textEnd;
      continue;
    }
    if (text.startsWith('<?', i)) skipUntil('?>', 'a processing instruction');
    else if (text.startsWith('<!--', i)) skipUntil('-->', 'a comment');
    else if (text.startsWith('<![CDATA[', i)) {
      const start = i + 9;
      skipUntil(']]>', 'a CDATA section');
      if (stack.length === 0) fail('CDATA outside the root element');
      stack[stack.length - 1].children.push(text.slice(start, i - 3));
    } else if (text.startsWith('<!DOCTYPE', i)) {
      if (text.indexOf('[', i) >= 0 && text.indexOf('[', i) < text.indexOf('>', i)) fail('a DOCTYPE with declarations is not read');
      skipUntil('>', 'the DOCTYPE');
    } else if (text.startsWith('</', i)) {
      i += 2;
      const at = i;
      const name = readName();
      skipSpace();
      if (text[i] !== '>') fail(`">" expected after "</${name}"`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== name) fail(`"</${name}>" closes ${open ? `"<${open.name}>"` : 'nothing'}`, at);
    } else {
      i++;
      const el: XmlElement = { name: readName(), attrs: {}, children: [] };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) fail('a second root element');
      else root = el;
      for (;;) {
        const before = i;
        skipSpace();
        if (text.startsWith('/>', i)) {
          i += 2;
          break;
        }
        if (text[i] === '>') {
          i++;
          stack.push(el);
          break;
        }
        if (i === before) fail(`white space or ">" expected in "<${el.name}>"`);
        const attr = readName();
        skipSpace();
        if (text[i] !== '=') fail(`"=" expected after the attribute "${attr}"`);
        i++;
        skipSpace();
        const q = text[i];
        if (q !== '"' && q !== "'") fail(`the value of "${attr}" must be in quotes`);
        const end = text.indexOf(q, i + 1);
        if (end < 0) fail(`the value of "${attr}" is not closed`);
        el.attrs[attr] = decode(text.slice(i + 1, end), i);
        i = end + 1;
      }
    }
  }
  if (stack.length > 0) fail(`"<${stack[stack.length - 1].name}>" is not closed`);
  if (!root) fail('no root element');
  return root!;
}

/** The child elements of `el` named `name`. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

/** The first child element named `name`. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

/** All the text directly inside `el` (not in its child elements). */
export function ownText(el: XmlElement): string {
  return el.children.filter((c): c is string => typeof c === 'string').join('');
}

/** The text of the child element `name`, or undefined when there is none. */
export function childText(el: XmlElement, name: string): string | undefined {
  const c = child(el, name);
  return c ? ownText(c) : undefined;
}
