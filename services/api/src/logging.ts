/**
 * The request log without secrets: a feed token in the query string (`token=`, however its name is
 * percent-encoded) is logged as `[redacted]`, and the Authorization header never appears.
 */
import type { FastifyServerOptions } from 'fastify';

const REDACTED = '[redacted]';
const SECRET_PARAMS = new Set(['token']);

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The URL with the values of secret query parameters replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const pairs = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    return SECRET_PARAMS.has(name.trim().toLowerCase()) ? `${eq < 0 ? pair : pair.slice(0, eq)}=${REDACTED}` : pair;
  });
  return `${url.slice(0, q)}?${pairs.join('&')}${hash < 0 ? '' : url.slice(hash)}`;
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

/** Fastify's logger option with the redactions added (`false` stays off). */
export function safeLogger(option: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!option) return false;
  const base: LoggerOptions = option === true ? {} : option;
  return {
    ...base,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: REDACTED },
    serializers: {
      ...base.serializers,
      req: (req: LoggedRequest) => ({ method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
    },
  };
}
