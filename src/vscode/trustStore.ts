/**
 * Where the extension keeps the FTPS certificates the user trusted, for CertificateTrust
 * (src/remote/certificates.ts, which makes the decisions): the fingerprint is kept with the connection
 * ("trustedFingerprint" in its settings), so that it survives a reload; for a one-off connection, or when the
 * settings cannot be written, for this window only. The question is the modal of trustPrompt.ts, or what a test
 * put in its place (FtpExplorerApi.setCertificatePrompt).
 */
import { connectionKey, type TrustAnswer, type TrustDeps, type TrustQuestion } from '../remote/certificates';
import type { FtpLog } from './output';
import type { Settings } from './settings';
import { askTrustModal } from './trustPrompt';

type Connection = Parameters<TrustDeps['trusted']>[0];
export type CertificatePrompt = (q: TrustQuestion) => Promise<TrustAnswer>;

export class TrustStore implements TrustDeps {
  /** Fingerprints trusted for this window only, by connection key. */
  private readonly session = new Map<string, string>();
  private prompt: CertificatePrompt | undefined;

  constructor(
    private readonly settings: Settings,
    private readonly out: FtpLog,
  ) {}

  trusted(cfg: Connection): string | undefined {
    const key = connectionKey(cfg);
    if (this.session.has(key)) return this.session.get(key);
    const saved = this.settings.connections().find((c) => connectionKey(c) === key);
    return (saved ?? cfg).trustedFingerprint;
  }

  async remember(cfg: Connection, fingerprint: string): Promise<void> {
    const key = connectionKey(cfg);
    const saved = this.settings.connections().some((c) => connectionKey(c) === key);
    try {
      if (saved && (await this.settings.updateConnection(cfg.name, { trustedFingerprint: fingerprint }))) {
        this.session.delete(key);
        return;
      }
    } catch (err) {
      this.out.error(cfg.name, `could not save the trusted certificate in the settings (${(err as Error).message}); trusted for this window only`);
    }
    this.session.set(key, fingerprint);
  }

  ask(q: TrustQuestion): Promise<TrustAnswer> {
    return (this.prompt ?? askTrustModal)(q);
  }

  log(cfg: Connection, text: string): void {
    this.out.info(cfg.name, text);
  }

  /** Answer the trust question with `prompt` instead of the modal (tests); undefined restores the modal. */
  setPrompt(prompt: CertificatePrompt | undefined): void {
    this.prompt = prompt;
  }
}
