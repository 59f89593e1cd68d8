/** A data-connection method's result in a few words, for the findings' summaries. */
import type { MethodResult } from './report';

export function methodLine(r: MethodResult | undefined): string {
  if (!r) return 'not tested';
  if (r.ok) return 'ok';
  return r.code ? `${r.code} ${r.reply?.replace(/^\d{3}[ -]?/, '') ?? ''}`.trim() : failureWords(r.failure);
}

function failureWords(f: MethodResult['failure']): string {
  switch (f) {
    case 'command-refused': return 'refused';
    case 'connect-timeout': return 'nothing answered';
    case 'connect-refused': return 'connection refused';
    case 'connect-failed': return 'could not connect';
    case 'no-connect-back': return 'the server never connected';
    case 'server-could-not-connect': return 'the server could not connect';
    case 'no-local-port': return 'no free local port';
    default: return 'failed';
  }
}
