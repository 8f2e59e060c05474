import type { FastifyError, FastifyInstance } from 'fastify';
import { formatBytes } from '../limits';

/**
 * Every refusal the API answers is `{ error: { code, message, field? } }`: `code` a stable word
 * for programs, `message` a sentence for people naming the field and the limit, `field` the
 * request path (e.g. 'options.maxPermutations', 'input.values', 'name') when one is to blame.
 */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** A refusal raised by our own code; the error handler answers it as it is. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** The subset of an ajv error we read. */
interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

function pathOf(instancePath: string, context: string | undefined): string {
  // '/options/maxPermutations' → 'options.maxPermutations'; array items keep their index: 'input.players.3'.
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts.length > 0) return parts.join('.');
  return context === 'body' || context === undefined ? 'body' : context;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array',
  null: 'null',
};

/**
 * One sentence naming the field and the limit for the first ajv error, e.g.
 * "options.maxPermutations must be <= 1000000000000".
 */
export function describeValidationError(errors: readonly AjvError[], context: string | undefined): { field: string; message: string } {
  // anyOf/oneOf report their branches first and themselves last; the branch errors are what
  // the client can act on, and the first is as good as any.
  const error = errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ?? errors[0];
  let field = pathOf(error.instancePath, context);
  const p = error.params;
  let message: string;
  switch (error.keyword) {
    case 'required':
      field = field === 'body' || field === context ? String(p.missingProperty) : `${field}.${String(p.missingProperty)}`;
      message = `${field} is required`;
      break;
    case 'additionalProperties': {
      const extra = String(p.additionalProperty);
      field = field === 'body' || field === context ? extra : `${field}.${extra}`;
      message = `${field} is not a known field`;
      break;
    }
    case 'type':
      message = `${field} must be ${TYPE_WORDS[String(p.type)] ?? String(p.type)}`;
      break;
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      message = `${field} must be ${String(p.comparison)} ${String(p.limit)}`;
      break;
    case 'maxLength':
      message = `${field} must have at most ${String(p.limit)} characters`;
      break;
    case 'minLength':
      message = Number(p.limit) === 1 ? `${field} must not be empty` : `${field} must have at least ${String(p.limit)} characters`;
      break;
    case 'maxItems':
      message = `${field} must have at most ${String(p.limit)} items`;
      break;
    case 'minItems':
      message = `${field} must have at least ${String(p.limit)} items`;
      break;
    case 'enum':
      message = `${field} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      message = `${field} must be ${JSON.stringify(p.allowedValue)}`;
      break;
    case 'pattern':
      message = `${field} must match ${String(p.pattern)}`;
      break;
    case 'multipleOf':
      message = `${field} must be a multiple of ${String(p.multipleOf)}`;
      break;
    default:
      message = `${field} ${error.message ?? 'is not valid'}`;
  }
  return { field, message };
}

/**
 * Answers every error as JSON: fastify's own (validation, body limit, media type, malformed
 * JSON) with their 4xx, ours as raised, anything else as a 500 that shows no stack or internal
 * detail (the log keeps it).
 */
export function installErrorHandlers(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.field));
    }
    if (error.validation) {
      const { field, message } = describeValidationError(error.validation as AjvError[], error.validationContext);
      return reply.code(400).send(errorBody('invalid_request', message, field));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send(errorBody('body_too_large', `the JSON body is larger than the ${formatBytes(bodyLimit)} allowed; send large tables as a dataset (POST /v1/datasets)`, 'body'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send(errorBody('unsupported_media_type', `content type '${request.headers['content-type'] ?? ''}' is not accepted here; send application/json`, 'content-type'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send(errorBody('invalid_json', 'the body is not valid JSON', 'body'));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send(errorBody('invalid_json', 'the body is empty; send a JSON object', 'body'));
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return reply.code(400).send(errorBody('invalid_request', 'the Content-Length header does not match the body', 'content-length'));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Malformed JSON and the like: fastify's message is about the request, safe to show.
      return reply.code(status).send(errorBody(status === 400 ? 'invalid_request' : 'request_refused', error.message));
    }
    request.log.error({ err: error }, 'internal error');
    return reply.code(500).send(errorBody('internal', 'internal error in the partage companion; the service log has the details'));
  });

  app.setNotFoundHandler((request, reply) => {
    const route = request.url.split('?')[0].slice(0, 200);
    reply.code(404).send(errorBody('not_found', `no route ${request.method} ${route}; the API is under /v1 (GET /v1/health)`));
  });
}
