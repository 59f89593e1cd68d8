/**
 * Connection diagnosis, for the CLI's `probe` and the extension's "FTP: Diagnose Connection": log in, then list
 * one folder through each data-connection method alone (EPSV, PASV, EPRT, PORT, no fallback), and report what
 * works, what fails, the likely cause in plain words and the setting to change. No vscode here: the extension
 * shows `formatProbeReport` (or the JSON) as it is.
 *
 * `probe()` gathers the facts; `analyzeProbe()` turns them into findings and advice and is pure, so the advice
 * can be unit-tested without a network.
 */
export { probe, type ProbeHooks } from './gather';
export { analyzeProbe } from './analyze';
export { formatProbeReport } from './format';
export { splitEndpoint } from './endpoints';
export type {
  LoginFailure,
  MethodResult,
  ProbeAnalysis,
  ProbeCheck,
  ProbeFinding,
  ProbeInput,
  ProbeReport,
  ProbeSettings,
  ProbeStatus,
} from './report';
