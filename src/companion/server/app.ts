/**
 * The companion's HTTP API (JSON under /v1), on fastify. Request envelopes, route parameters and
 * query strings are validated by JSON schemas (TypeBox, compiled by fastify's ajv); job inputs are
 * then validated by their job definition, which knows the mathematics and names the offending
 * field, item and limit. Every refusal is a 4xx `{error: {code, message, field?}}` (errors.ts).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServerOptions as HttpsOptions } from 'node:https';
import { Type, type Static } from '@sinclair/typebox';
import { ENGINE_VERSION } from '../../engine/version';
import { DatasetFormatError } from '../datasets/errors';
import { deleteDataset, storeUpload } from '../datasets/service';
import { UploadTooLargeError } from '../datasets/upload';
import { JobInputError, JobStateError } from '../jobs/errors';
import { JOB_TYPES } from '../jobs/types';
import { formatBytes, MAX_JSON_BODY_BYTES, MAX_UPLOAD_BYTES } from '../limits';
import { QueueFullError, type JobEvent, type JobRunner } from '../runner/jobRunner';
import type { DatasetRecord, Store } from '../store/store';
import { ApiError, errorBody, installErrorHandlers } from './errors';
import { installGuards } from './guards';
import { installJsonParser } from './jsonBody';
import { registerPairingRoutes, type PairingState } from './pairing';

export interface BackendInfo {
  name: string;
  /** The processor or GPU adapter, as the system names it. */
  device: string;
  threads?: number;
  /** GPU backends: false while the device is lost (and being reopened); `unavailable` says why. */
  readonly available?: boolean;
  readonly unavailable?: string;
}

export interface AppOptions {
  runner: JobRunner;
  store: Store;
  datasetsDir: string;
  token: string;
  origins: readonly string[];
  /** Read per request: with port 0 the port is known only once listening. */
  port: () => number;
  version: string;
  backends: readonly BackendInfo[];
  https?: HttpsOptions;
  maxUploadBytes?: number;
  /** Comment lines on idle event streams keep proxies and the browser from closing them. */
  heartbeatMs?: number;
  logger?: boolean;
  /** On a cluster: the workers that sent a heartbeat (name, backend, device, threads, units done, last seen). */
  workers?: () => Promise<readonly unknown[]>;
  /** One-time pairing codes (POST /v1/pair); without it the pane pairs with the token only. */
  pairing?: PairingState;
}

const JobId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
type JobIdParams = Static<typeof JobId>;

const SubmitBody = Type.Object(
  {
    type: Type.Union(JOB_TYPES.map((t) => Type.Literal(t))),
    input: Type.Object({}, { additionalProperties: true }),
    options: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()])),
  },
  { additionalProperties: false },
);
type SubmitBody = Static<typeof SubmitBody>;

const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'].map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
type ListQuery = Static<typeof ListQuery>;

const StatusQuery = Type.Object({ result: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
type StatusQuery = Static<typeof StatusQuery>;

const UploadQuery = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    format: Type.Optional(Type.Union([Type.Literal('npy'), Type.Literal('csv'), Type.Literal('parquet')])),
    header: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('yes'), Type.Literal('no')])),
    // A usage log for pool.split, kept as the uploaded file (datasets/usageLog.ts).
    kind: Type.Optional(Type.Literal('usage')),
  },
  { additionalProperties: false },
);
type UploadQuery = Static<typeof UploadQuery>;

/** What a client sees of a dataset: not where it lies on disk. */
function publicDataset(record: DatasetRecord): Omit<DatasetRecord, 'path'> {
  const { path: _path, ...rest } = record;
  return rest;
}

function jobNotFound(id: string): ApiError {
  return new ApiError(404, 'job_not_found', `no job with id "${id}"`, 'id');
}

/** Maps the domain's refusals to HTTP; anything else goes to the error handler as a 500. */
function asApiError(error: unknown): unknown {
  if (error instanceof JobInputError) return new ApiError(400, 'invalid_input', error.message, error.field);
  if (error instanceof QueueFullError) return new ApiError(429, 'queue_full', error.message, 'type');
  if (error instanceof JobStateError) return new ApiError(error.reason === 'not-found' ? 404 : 409, error.reason === 'not-found' ? 'job_not_found' : 'job_state', error.message, 'id');
  if (error instanceof DatasetFormatError) return new ApiError(400, 'invalid_dataset', error.message, error.field);
  if (error instanceof UploadTooLargeError) {
    return new ApiError(413, 'upload_too_large', `the upload is larger than the ${formatBytes(error.limit)} allowed for a dataset`, 'body');
  }
  return error;
}

function domain<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw asApiError(error);
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { runner, store } = options;
  const maxUploadBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_JSON_BODY_BYTES,
    ...(options.https ? { https: options.https } : {}),
    // Unknown fields are refused, not silently dropped; query strings are strings to coerce.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    // A client that opens a connection and sends nothing must not hold it forever.
    requestTimeout: 0,
    connectionTimeout: 120_000,
    // Event streams are never idle: closing the server must end them rather than wait for them.
    forceCloseConnections: true,
  });
  installErrorHandlers(app, MAX_JSON_BODY_BYTES);
  installJsonParser(app, MAX_JSON_BODY_BYTES);
  await installGuards(app, { token: options.token, origins: options.origins, port: options.port });

  app.get('/v1/health', { config: { public: true } }, async () => ({
    name: 'partage-companion',
    version: options.version,
    engineVersion: ENGINE_VERSION,
    backends: options.backends,
    jobs: runner.counts(),
    ...(options.workers ? { workers: await options.workers().catch(() => []) } : {}),
  }));

  if (options.pairing) registerPairingRoutes(app, options.pairing);

  app.post<{ Body: SubmitBody }>('/v1/jobs', { schema: { body: SubmitBody } }, async (request, reply) => {
    const { type, input, options: jobOptions } = request.body;
    const job = domain(() => runner.submit(type, input, jobOptions ?? {}));
    reply.code(202).header('location', `/v1/jobs/${job.id}`);
    return { id: job.id, state: job.state };
  });

  app.get<{ Querystring: ListQuery }>('/v1/jobs', { schema: { querystring: ListQuery } }, async (request) => ({
    jobs: runner.list({ state: request.query.state as never, limit: request.query.limit ?? 100 }),
  }));

  app.get<{ Params: JobIdParams; Querystring: StatusQuery }>('/v1/jobs/:id', { schema: { params: JobId, querystring: StatusQuery } }, async (request) => {
    // The input is the client's own and may be megabytes: not echoed back.
    const job = runner.status(request.params.id, { input: false, result: request.query.result !== false });
    if (!job) throw jobNotFound(request.params.id);
    return job;
  });

  app.delete<{ Params: JobIdParams }>('/v1/jobs/:id', { schema: { params: JobId } }, async (request) => {
    return domain(() => runner.cancel(request.params.id));
  });

  app.post<{ Params: JobIdParams }>('/v1/jobs/:id/resume', { schema: { params: JobId } }, async (request, reply) => {
    const job = domain(() => runner.resume(request.params.id));
    reply.code(202);
    return job;
  });

  app.get<{ Params: JobIdParams }>('/v1/jobs/:id/events', { schema: { params: JobId } }, (request, reply) => {
    streamEvents(runner, request, reply, heartbeatMs);
  });

  // Uploads: the raw body is streamed to disk, never parsed in memory (a scope of its own so that
  // the catch-all content type applies to this route only).
  await app.register(async (scope) => {
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post<{ Querystring: UploadQuery }>('/v1/datasets', { schema: { querystring: UploadQuery } }, async (request, reply) => {
      const announced = Number(request.headers['content-length']);
      if (Number.isFinite(announced) && announced > maxUploadBytes) throw asApiError(new UploadTooLargeError(maxUploadBytes, announced));
      try {
        const record = await storeUpload(store, options.datasetsDir, request.body as NodeJS.ReadableStream as never, request.query, maxUploadBytes);
        reply.code(201).header('location', `/v1/datasets/${record.id}`);
        return publicDataset(record);
      } catch (error) {
        throw asApiError(error);
      }
    });
  });

  app.get('/v1/datasets', async () => ({ datasets: store.listDatasets().map(publicDataset) }));

  app.get<{ Params: JobIdParams }>('/v1/datasets/:id', { schema: { params: JobId } }, async (request) => {
    const record = store.getDataset(request.params.id);
    if (!record) throw new ApiError(404, 'dataset_not_found', `no dataset with id "${request.params.id}"`, 'id');
    return publicDataset(record);
  });

  app.delete<{ Params: JobIdParams }>('/v1/datasets/:id', { schema: { params: JobId } }, async (request) => {
    if (!(await deleteDataset(store, request.params.id))) throw new ApiError(404, 'dataset_not_found', `no dataset with id "${request.params.id}"`, 'id');
    return { id: request.params.id, deleted: true };
  });

  return app;
}

/**
 * Server-sent events: the job's status at once ('progress', or 'end' if it already ended), then
 * each progress event the runner publishes, and one 'end' event with the final status and result,
 * after which the stream closes. A job that is interrupted also ends its stream ('end' with state
 * 'interrupted'); a client resumes it and opens a new stream.
 */
function streamEvents(runner: JobRunner, request: FastifyRequest<{ Params: JobIdParams }>, reply: FastifyReply, heartbeatMs: number): void {
  const id = request.params.id;
  const initial = runner.status(id, { input: false });
  if (!initial) {
    void reply.code(404).send(errorBody('job_not_found', `no job with id "${id}"`, 'id'));
    return;
  }
  reply.hijack();
  const raw = reply.raw;
  // Headers set by the guards (CORS) are on the reply, which hijack() no longer sends.
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let closed = false;
  const write = (event: string, data: unknown) => {
    if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    raw.end();
  };
  const ended = (state: string) => state !== 'queued' && state !== 'running';
  const unsubscribe = runner.subscribe(id, (event: JobEvent) => {
    if (event.type === 'end') {
      write('end', runner.status(id, { input: false }) ?? event.job);
      finish();
    } else {
      write('progress', event.job);
    }
  });
  const heartbeat = setInterval(() => {
    if (!closed) raw.write(': keep-alive\n\n');
  }, heartbeatMs);
  heartbeat.unref();
  // The response's 'close' (not the request's, which fires once a GET is read) means the client left.
  raw.on('close', finish);
  if (ended(initial.state)) {
    write('end', initial);
    finish();
  } else {
    const { result: _result, ...status } = initial;
    write('progress', status);
  }
}
