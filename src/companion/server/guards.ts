import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCors from '@fastify/cors';
import { errorBody } from './errors';
import { tokenMatches } from './token';

/**
 * The request guards, in the order they run (all onRequest, so nothing of a refused request's
 * body is read):
 *   1. Host: only localhost/127.0.0.1/[::1] with our port (DNS rebinding: a page whose name was
 *      re-pointed at 127.0.0.1 still sends its own name as Host).
 *   2. Origin: a request from a browser page must come from a configured add-in origin.
 *   3. CORS headers and preflight answers (with Private Network Access), by @fastify/cors.
 *   4. Bearer token, on every route but those marked public (health).
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answered without the bearer token (health only). */
    public?: boolean;
  }
}

export interface GuardOptions {
  token: string;
  origins: readonly string[];
  /** The port clients must name in Host; read when a request comes (port 0 is chosen at listen). */
  port: () => number;
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  const names = ['localhost', '127.0.0.1', '[::1]'];
  if (names.some((name) => h === `${name}:${port}`)) return true;
  // Browsers leave out the scheme's default port.
  return (port === 80 || port === 443) && names.includes(h);
}

export async function installGuards(app: FastifyInstance, options: GuardOptions): Promise<void> {
  const origins = new Set(options.origins);

  app.addHook('onRequest', async (request, reply) => {
    const port = options.port();
    if (!hostAllowed(request.headers.host, port)) {
      const shown = String(request.headers.host ?? '').slice(0, 100);
      return reply
        .code(421)
        .send(errorBody('host_refused', `Host '${shown}' is refused: the partage companion answers only to localhost:${port} or 127.0.0.1:${port}`, 'host'));
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return; // not a browser page: curl, scripts, Node
    if (!origins.has(origin)) {
      return reply
        .code(403)
        .send(errorBody('origin_refused', `origin '${origin.slice(0, 100)}' is not allowed; start the companion with --origin ${origin.slice(0, 100)} to allow it`, 'origin'));
    }
    // Chrome's Private Network Access: a public or secure page reaching 127.0.0.1 asks first.
    if (request.method === 'OPTIONS' && request.headers['access-control-request-private-network'] === 'true') {
      reply.header('Access-Control-Allow-Private-Network', 'true');
    }
  });

  await app.register(fastifyCors, {
    origin: [...origins],
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
    // An OPTIONS request that is not a preflight gets an empty 204 rather than a text/plain 400.
    strictPreflight: false,
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config?.public === true) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !tokenMatches(match[1], options.token)) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="partage"')
        .send(
          errorBody(
            'unauthorized',
            header === undefined
              ? 'missing bearer token: send "Authorization: Bearer <token>" with the token from the companion\'s data folder'
              : 'wrong bearer token: pair again with the token the companion printed at start',
            'authorization',
          ),
        );
    }
  });
}
