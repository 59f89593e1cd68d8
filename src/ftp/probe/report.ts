/** What a probe reports: the facts it gathers (ProbeInput) and what follows from them (ProbeAnalysis). */
import type { DataConnectionFailure } from '../errors';
import type { DataMethod } from '../data';
import type { DataMode } from '../options';

export interface MethodResult {
  method: DataMethod;
  ok: boolean;
  ms: number;
  /** The server's reply to the method's command, e.g. "227 Entering Passive Mode (10,200,2,2,156,73)." */
  reply?: string;
  /** The data connection as seen on the wire: who connected to whom, from which port. */
  connection?: string;
  /** Passive: the address:port the client connected to. Active: the address:port the server connected from. */
  dataPeer?: string;
  /** Why it failed ('other': not a data-connection error, e.g. the listing was refused). */
  failure?: DataConnectionFailure | 'other';
  /** The reply code, when the server refused. */
  code?: number;
  error?: string;
  diagnosis?: string;
  /** Active mode: connections to our listener that did not come from the server, rejected (their address:port). */
  rejected?: string[];
}

export type LoginFailure = 'credentials' | 'refused-by-server' | 'connection-refused' | 'timeout' | 'not-found' | 'unreachable' | 'tls' | 'other';

export type ProbeCheck = 'login' | 'passive' | 'active' | 'port-20' | 'pasv-address' | 'tls';
export type ProbeStatus = 'ok' | 'fail' | 'warn' | 'info' | 'skipped';

/** Connection settings, named as in the extension's `ftpExplorer.connections` (and the CLI's flags). */
export interface ProbeSettings {
  mode: DataMode;
  fallback: boolean;
  trustPasvAddress: boolean;
  activeAddress?: string;
  /** 'explicit' | 'implicit' when TLS is configured. */
  tls?: 'explicit' | 'implicit';
}

export interface ProbeFinding {
  check: ProbeCheck;
  status: ProbeStatus;
  /** What was seen, one line. */
  summary: string;
  /** The likely cause, in plain words (failures and warnings). */
  cause?: string;
  /** What to change, in plain words, naming the setting. */
  change?: string;
  /** The same as settings to set (a subset of ProbeSettings). */
  settings?: Partial<ProbeSettings>;
}

/** The facts a probe gathers; everything else in the report follows from them (analyzeProbe). */
export interface ProbeInput {
  host: string;
  port: number;
  settings: ProbeSettings;
  /** The control connection as this machine's socket saw it (host:port). */
  control?: { local: string; remote: string };
  login: { ok: boolean; ms: number; user: string; error?: string; failure?: LoginFailure; banner?: string };
  features: string[];
  methods: MethodResult[];
  /**
   * PASV again with the control connection's address instead of the 227 one: tested only when trustPasvAddress
   * is on, the 227 address differs and PASV failed, to tell whether turning trustPasvAddress off fixes it.
   */
  pasvViaControl?: MethodResult;
  /** TLS as set up at login: detail is the client's TLS log lines (protocol, cipher, certificate). */
  tls?: {
    ok?: boolean;
    detail?: string;
    /** Why the certificate was refused, and its SHA-256 fingerprint (to trust it after checking). */
    certificate?: { problem: 'untrusted' | 'hostname' | 'changed'; fingerprint256: string; subject: string };
  };
}

export interface ProbeAnalysis {
  passive: { ok: boolean; via: DataMethod[] };
  active: { ok: boolean; via: DataMethod[] };
  /** The address in the 227 reply against the control connection's peer. */
  pasvAddress?: { advertised: string; control: string; same: boolean; private: boolean; trusted: boolean };
  /** Where the server's active-mode data connection came from: port 20 or not. */
  activeSource?: { address: string; port: number; fromPort20: boolean };
  tls: { configured: boolean; offered: boolean; ok?: boolean; detail: string; certificate?: NonNullable<ProbeInput['tls']>['certificate'] };
  findings: ProbeFinding[];
  /** Settings to change so that this connection works without fallback; empty when the current ones work. */
  change: Partial<ProbeSettings>;
  /** Plain-words conclusions: what works, what fails, the likely cause, what to change. */
  advice: string[];
}

export type ProbeReport = ProbeInput & ProbeAnalysis & { version: 1 };

/** The data-connection methods in the order a probe tries them, and the passive and the active ones. */
export const METHODS: DataMethod[] = ['EPSV', 'PASV', 'EPRT', 'PORT'];
export const PASSIVE: DataMethod[] = ['EPSV', 'PASV'];
export const ACTIVE: DataMethod[] = ['EPRT', 'PORT'];
