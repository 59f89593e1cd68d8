/** The addresses in a probe's facts: "host:port" endpoints of its sockets, and the one in a 227 reply. */
import { normalizeAddress, parsePasvReply } from '../address';

/** "10.0.0.1:21" / "[::1]:21" -> host and port. */
export function splitEndpoint(endpoint: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(endpoint);
  return m ? { host: normalizeAddress(m[1]), port: Number(m[2]) } : undefined;
}

/** The address a 227 reply names; undefined for another reply. */
export function advertisedAddress(reply: string): string | undefined {
  if (!/^227\b/.test(reply)) return undefined;
  try {
    return parsePasvReply(reply).host;
  } catch {
    return undefined; // a malformed 227 shows as PASV's own failure
  }
}
