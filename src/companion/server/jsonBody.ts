import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors';

/**
 * Deepest nesting a JSON body may have. The deepest real request (a coverage or knn game inside
 * a job envelope) nests about 6 levels; JSON.parse itself copes with deep input, but later
 * recursive steps (JSON.stringify into SQLite, ajv) would overflow the stack on a 10^6-deep
 * array and turn a client's mistake into a 500.
 */
export const MAX_JSON_DEPTH = 64;

/** Depth of a parsed JSON value without recursion (a deep value is the thing we guard against). */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    // Typed arrays cannot come out of JSON.parse; plain arrays and objects are all there is.
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/**
 * fastify's JSON parser (secure-json-parse: refuses __proto__ and constructor.prototype keys)
 * with a nesting limit on top; the byte limit is fastify's bodyLimit. Other content types get 415
 * (uploads register their own parser in their route's scope).
 */
export function installJsonParser(app: FastifyInstance, bodyLimit: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  // JSON only: text/plain is what a page can POST cross-origin without a preflight.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    // parseAs: 'string' hands a string; the parser's type also admits a Buffer.
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        return done(new ApiError(400, 'invalid_json', `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, 'body'), undefined);
      }
      done(null, value);
    });
  });
}
