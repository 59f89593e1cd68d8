/** Parsers for the text of particular replies (FEAT, PWD, MDTM, SIZE). Pure functions. Reading a reply off the wire: reply.ts. */
import { FtpProtocolError, FtpReplyError } from './errors';
import { t as l10nT } from './l10n';
import { replyMessage, type FtpReply } from './reply';

/**
 * FEAT reply lines (RFC 2389 §3.2): the first and last lines carry the code, each feature line in between
 * starts with a space: " MLST type*;size*;". Keys are upper-cased; the rest is the feature's parameters.
 */
export function parseFeatures(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const sp = line.indexOf(' ');
    const key = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    out.set(key, sp < 0 ? '' : line.slice(sp + 1).trim());
  }
  return out;
}

/**
 * The path in a 257 reply (RFC 959 Appendix II): the first quoted string, where a doubled quote stands for
 * one quote. `257 "/a ""b"" c" is current directory` -> `/a "b" c`.
 */
export function parsePwd(text: string): string | undefined {
  const start = text.indexOf('"');
  if (start < 0) return undefined;
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      if (text[i + 1] === '"') {
        out += '"';
        i++;
      } else {
        return out;
      }
    } else {
      out += ch;
    }
  }
  return undefined;
}

/** MDTM time-val (RFC 3659 §2.3): YYYYMMDDHHMMSS[.sss], always UTC. */
export function parseMdtm(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return undefined;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * The OPTS MLST argument that turns UNIX.mode on, from FEAT's MLST line (RFC 3659 §7.9: a fact listed without
 * '*' is off): "type*;size*;modify*;unix.mode;" -> "type;size;modify;unix.mode;". Undefined when UNIX.mode is
 * not offered, or on already.
 */
export function mlstFactsToEnable(feat: string | undefined): string | undefined {
  if (!feat) return undefined;
  const facts = feat.split(';').map((f) => f.trim()).filter(Boolean);
  if (!facts.some((f) => f.toLowerCase() === 'unix.mode')) return undefined; // absent, or on already ("unix.mode*")
  const wanted = new Set(['type', 'size', 'modify', 'perm', 'unix.mode']);
  const on = facts.map((f) => f.replace(/\*$/, '')).filter((f) => wanted.has(f.toLowerCase()));
  return `${on.join(';')};`;
}

/** The size in a reply to `command` (SIZE, RFC 3659 §4): a refusal is an FtpReplyError, a 213 without a number an FtpProtocolError. */
export function sizeOfReply(r: FtpReply, command: string): number {
  if (r.code !== 213) throw new FtpReplyError(r.code, replyMessage(r), command);
  const n = Number(replyMessage(r));
  if (!Number.isSafeInteger(n) || n < 0) throw new FtpProtocolError(l10nT('SIZE reply is not a size: {0}', r.text), 'SIZE', r.code);
  return n;
}
