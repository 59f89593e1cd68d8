/**
 * FTPS certificates the user decides on. No vscode import: the modal, the settings and the clock are passed in,
 * so the decisions (when to ask, what to show, what to remember) are unit-tested with fakes.
 *
 * Certificates are verified by the client (chain and host name). One that fails is shown to the user with its
 * subject, issuer, validity and SHA-256 fingerprint; trusting it stores the fingerprint with the connection
 * (`trustedFingerprint` in `ftpExplorer.connections`, so it survives a reload and the user can see and remove it).
 * A later, different certificate is refused by the client ('changed') and shown again with both fingerprints:
 * never accepted silently.
 */
import { FtpCertificateError } from '../ftp';
import { normalizeFingerprint } from '../ftp';
import type { ConnectionConfig } from './config';
import { FsError } from './fsErrors';
import { t } from './l10n';

export type CertificateProblem = FtpCertificateError['reason'];
export type CertificateDetails = FtpCertificateError['certificate'];

type Connection = Pick<ConnectionConfig, 'name' | 'host' | 'port'> & Partial<Pick<ConnectionConfig, 'tls' | 'trustedFingerprint'>>;

/** The button that trusts the certificate shown (the modal adds Cancel itself). */
export const TRUST_BUTTON = 'Trust This Certificate';

/** What the trust modal shows. */
export interface TrustQuestion {
  connection: string;
  host: string;
  port: number;
  reason: CertificateProblem;
  certificate: CertificateDetails;
  /** 'changed': the fingerprint trusted before. */
  previous?: string;
  /** The headline of the modal. */
  message: string;
  /** The rest: why, the certificate's details, what trusting means. */
  detail: string;
}

export type TrustAnswer = 'trust' | 'cancel';

/** Where trust lives and how the user is asked; the extension passes settings and a modal, tests pass fakes. */
export interface TrustDeps {
  /** The fingerprint trusted for this connection now (from its settings, or this window), if any. */
  trusted(cfg: Connection): string | undefined;
  /** Remember a trusted fingerprint for this connection so that it survives a reload. */
  remember(cfg: Connection, fingerprint: string): Promise<void>;
  /** Show the question (a modal) and wait for the answer. */
  ask(q: TrustQuestion): Promise<TrustAnswer>;
  /** A line for the log. */
  log?(cfg: Connection, text: string): void;
  now?: () => number;
}

/** The key trust decisions are kept under: the connection's name and the server it points to. */
export function connectionKey(cfg: Pick<ConnectionConfig, 'name' | 'host' | 'port'>): string {
  return `${cfg.name.toLowerCase()}|${cfg.host.toLowerCase()}:${cfg.port}`;
}

function dateText(s: string): string {
  const t = Date.parse(s);
  return Number.isNaN(t) ? s : new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** "from ... to ..." with a warning when the certificate is expired or not yet valid. */
export function validityText(c: Pick<CertificateDetails, 'validFrom' | 'validTo'>, now = Date.now()): string {
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  const state = !Number.isNaN(to) && to < now ? ' (EXPIRED)' : !Number.isNaN(from) && from > now ? ' (NOT YET VALID)' : '';
  return `${dateText(c.validFrom)} to ${dateText(c.validTo)}${state}`;
}

/** The certificate as the modal and the log show it, one "Label: value" a line. */
export function certificateLines(c: CertificateDetails, now = Date.now()): string[] {
  return [
    `Subject: ${c.subject || '(none)'}`,
    `Issuer: ${c.issuer || '(none)'}${c.issuer && c.issuer === c.subject ? ' (self-signed)' : ''}`,
    `Valid: ${validityText(c, now)}`,
    `SHA-256 fingerprint: ${c.fingerprint256}`,
  ];
}

function where(cfg: Connection): string {
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  return `${host}:${cfg.port}`;
}

/** The modal's text for a refused certificate. */
export function trustQuestion(cfg: Connection, err: FtpCertificateError, now = Date.now()): TrustQuestion {
  const c = err.certificate;
  const base = { connection: cfg.name, host: cfg.host, port: cfg.port, reason: err.reason, certificate: c };
  const details = certificateLines(c, now).join('\n');
  if (err.reason === 'changed') {
    const previous = cfg.trustedFingerprint ?? previousFromMessage(err.message);
    return {
      ...base,
      previous,
      message: t('The certificate of "{0}" ({1}) has CHANGED since you trusted it.', cfg.name, where(cfg)),
      detail:
        `${t('Trusted before: SHA-256 {0}', previous ?? '(unknown)')}\n` +
        `${t('Now:            SHA-256 {0}', c.fingerprint256)}\n\n` +
        `${details}\n\n` +
        t(
          'This happens when the server gets a new certificate, but also when someone intercepts the connection. Ask the server\'s administrator whether the new fingerprint is right before you trust it. Until then FTP Explorer does not connect to "{0}".',
          cfg.name,
        ),
    };
  }
  const why =
    err.reason === 'hostname'
      ? t('It is not made out for {0}, the name this connection uses.', cfg.host)
      : t('It is not signed by an authority this computer trusts (a self-signed certificate, or a private CA).');
  return {
    ...base,
    message: t('The certificate of "{0}" ({1}) is not trusted.', cfg.name, where(cfg)),
    detail:
      `${why}\n${err.message}.\n\n` +
      `${details}\n\n` +
      t(
        'Trust it only if this fingerprint is the one the server\'s administrator gives you. FTP Explorer then remembers it for "{0}" ("trustedFingerprint" in its settings) and warns you if the server\'s certificate ever changes.',
        cfg.name,
      ),
  };
}

/** The client's 'changed' message names the trusted fingerprint: "(trusted AA:BB..., now CC:DD...)". */
function previousFromMessage(message: string): string | undefined {
  const m = /trusted ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/i.exec(message);
  return m ? m[1].toUpperCase() : undefined;
}

/** The error a connection gets when the user did not trust its certificate. */
export function refusedError(cfg: Connection, err: FtpCertificateError): FsError {
  const fp = err.certificate.fingerprint256;
  const again = 'To decide again, use "FTP: Connect" or Refresh on the connection, or run "FTP: Diagnose Connection".';
  const text =
    err.reason === 'changed'
      ? `"${cfg.name}": the server's certificate has changed since you trusted it (now SHA-256 ${fp}), and it was not trusted, so FTP Explorer did not connect. ${again}`
      : `"${cfg.name}": the server's certificate (SHA-256 ${fp}, ${err.certificate.subject || 'no subject'}) is not trusted, so FTP Explorer did not connect. ${again}`;
  return new FsError('NoPermissions', text, false, err);
}

/**
 * Trust decisions of this window: connects with the trusted fingerprint, asks the user when the certificate is
 * refused (one modal per connection and certificate, shared by every connection attempt waiting on it), remembers
 * a "trust" through `deps.remember` and a "cancel" for this window until the user asks to connect again.
 */
export class CertificateTrust {
  private readonly prompts = new Map<string, Promise<TrustAnswer>>();
  /** Fingerprints the user declined, by connection key, until `allowAsking`. */
  private readonly declined = new Map<string, string>();

  constructor(private readonly deps: TrustDeps) {}

  /** The fingerprint trusted for this connection, normalized; undefined when none. */
  trusted(cfg: Connection): string | undefined {
    const fp = this.deps.trusted(cfg);
    return fp ? normalizeFingerprint(fp) || undefined : undefined;
  }

  /**
   * Open a connection with the trusted fingerprint. When the certificate is refused, ask (unless `prompt` is
   * false or the user declined this certificate already); after "trust", try once more with its fingerprint.
   * Rejects with an FsError NoPermissions when the certificate is not trusted; other errors pass through.
   */
  async connect<T>(cfg: Connection, open: (trustedFingerprint: string | undefined) => Promise<T>, opts: { prompt?: boolean } = {}): Promise<T> {
    try {
      return await open(this.trusted(cfg));
    } catch (err) {
      if (!(err instanceof FtpCertificateError)) throw err;
      if (!(await this.decide(cfg, err, opts))) throw refusedError(cfg, err);
      return open(err.certificate.fingerprint256);
    }
  }

  /** Whether to go on with the certificate of `err`: trusted meanwhile, or the user says so now. */
  async decide(cfg: Connection, err: FtpCertificateError, opts: { prompt?: boolean } = {}): Promise<boolean> {
    const fp = normalizeFingerprint(err.certificate.fingerprint256);
    if (!fp) return false;
    if (this.trusted(cfg) === fp) return true; // another connection's prompt was answered meanwhile
    const key = connectionKey(cfg);
    if (opts.prompt === false || this.declined.get(key) === fp) return false;
    const id = `${key}|${fp}`;
    let p = this.prompts.get(id);
    if (!p) {
      const question = trustQuestion({ ...cfg, trustedFingerprint: this.trusted(cfg) }, err, this.deps.now?.() ?? Date.now());
      p = this.ask(cfg, question, fp);
      this.prompts.set(id, p);
      const clear = () => {
        if (this.prompts.get(id) === p) this.prompts.delete(id);
      };
      p.then(clear, clear);
    }
    return (await p) === 'trust';
  }

  /** Trust `fingerprint` for this connection (the modal's button, or the trust command with an argument). */
  async trust(cfg: Connection, fingerprint: string): Promise<string> {
    const fp = normalizeFingerprint(fingerprint);
    if (!fp) throw new Error(`Not a SHA-256 fingerprint: "${fingerprint}" (64 hex digits, colons optional).`);
    this.declined.delete(connectionKey(cfg));
    await this.deps.remember(cfg, fp);
    this.deps.log?.(cfg, `certificate trusted: SHA-256 ${fp}`);
    return fp;
  }

  /** The user asked to connect: show the question again for a certificate declined before. */
  allowAsking(cfg: Pick<ConnectionConfig, 'name' | 'host' | 'port'>): void {
    this.declined.delete(connectionKey(cfg));
  }

  private async ask(cfg: Connection, q: TrustQuestion, fp: string): Promise<TrustAnswer> {
    this.deps.log?.(cfg, `certificate ${q.reason === 'changed' ? 'CHANGED' : 'not trusted'}: SHA-256 ${fp}${q.previous ? ` (trusted before: ${q.previous})` : ''}; asking`);
    let answer: TrustAnswer;
    try {
      answer = await this.deps.ask(q);
    } catch {
      answer = 'cancel';
    }
    if (answer === 'trust') {
      await this.trust(cfg, fp);
    } else {
      this.declined.set(connectionKey(cfg), fp);
      this.deps.log?.(cfg, `certificate not trusted by the user: SHA-256 ${fp}`);
    }
    return answer;
  }
}
