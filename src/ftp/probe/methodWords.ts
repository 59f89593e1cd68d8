/** A data-connection method's result in a few words, for the summaries of the passive and active findings. */
import type { DataMethod } from '../data';
import { t } from '../l10n';
import type { MethodResult, ProbeFinding } from './report';

/** A mode that works: through which of its methods, and what the others answered. */
export function worksFinding(check: 'passive' | 'active', methods: DataMethod[], byMethod: Map<DataMethod, MethodResult>, via: DataMethod[]): ProbeFinding {
  const failed = methods.filter((m) => byMethod.get(m) && !byMethod.get(m)?.ok);
  const note = failed.length ? ` (${failed.map((m) => `${m}: ${methodLine(byMethod.get(m))}`).join('; ')})` : '';
  const works = via.length === 2 ? t('works through {0} and {1}', via[0], via[1]) : t('works through {0}', via.join(' and '));
  return { check, status: 'ok', summary: `${works}${note}` };
}

/** A mode that fails: "FAILS (EPSV: ...; PASV: ...)". */
export function failsSummary(methods: DataMethod[], byMethod: Map<DataMethod, MethodResult>): string {
  return t('FAILS ({0})', methods.map((m) => `${m}: ${methodLine(byMethod.get(m))}`).join('; '));
}

function methodLine(r: MethodResult | undefined): string {
  if (!r) return t('not tested');
  if (r.ok) return t('ok');
  return r.code ? `${r.code} ${r.reply?.replace(/^\d{3}[ -]?/, '') ?? ''}`.trim() : failureWords(r.failure);
}

function failureWords(f: MethodResult['failure']): string {
  switch (f) {
    case 'command-refused': return t('refused');
    case 'connect-timeout': return t('nothing answered');
    case 'connect-refused': return t('connection refused');
    case 'connect-failed': return t('could not connect');
    case 'no-connect-back': return t('the server never connected');
    case 'server-could-not-connect': return t('the server could not connect');
    case 'no-local-port': return t('no free local port');
    default: return t('failed');
  }
}
