/**
 * The pane's client of the companion's HTTP API (README, "Companion service"): JSON with a bearer
 * token, server-sent events read through fetch, raw uploads. Every refusal becomes a
 * CompanionHttpError carrying the companion's `{code, message, field}`; a request that got no
 * answer at all becomes a CompanionUnreachableError, which diagnosis.ts explains.
 */
import { readEventStream, type ServerEvent } from './eventStream';

export const DEFAULT_COMPANION_URL = 'https://localhost:3917';

export interface BackendInfo {
  name: string;
  device: string;
  threads?: number;
  available?: boolean;
  unavailable?: string;
}

/** A worker of the cluster a coordinating companion runs its jobs on (`partage worker`). */
export interface ClusterWorkerInfo {
  name: string;
  backend: string;
  device: string;
  threads: number;
  unitsDone: number;
  /** ISO time of its last heartbeat (every 2 s). */
  lastSeen: string;
  engineVersion: string;
}

export interface CompanionHealth {
  name: string;
  version: string;
  engineVersion: string;
  backends: BackendInfo[];
  jobs: { running: number; queued: number };
  /** Only from a companion started with --redis: the workers that sent a heartbeat. */
  workers?: ClusterWorkerInfo[];
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobStatus {
  id: string;
  type: string;
  state: JobState;
  progress: number;
  etaSeconds?: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  error?: { message: string; field?: string; index?: number };
  result?: Record<string, unknown>;
}

export interface JobRequest {
  type: 'shapley.exact' | 'shapley.sample' | 'shapley.stratified' | 'shapley.nucleolus' | 'attribution.similarity' | 'pool.split';
  input: Record<string, unknown>;
  options?: Record<string, unknown>;
}

export interface DatasetInfo {
  id: string;
  name: string;
  format: 'npy' | 'csv' | 'parquet';
  dtype: string;
  shape: number[];
  bytes: number;
}

export const isEnded = (state: JobState): boolean => state !== 'queued' && state !== 'running';

/** The companion answered with a refusal (4xx/5xx). */
export class CompanionHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CompanionHttpError';
  }

  /** "input.game.values: must be …" — the message with the field it names, as the pane shows it. */
  get withField(): string {
    return this.field && !this.message.startsWith(this.field) ? `${this.field}: ${this.message}` : this.message;
  }
}

/** No answer: nothing listening, TLS refused, the network layer failed, or too slow. */
export class CompanionUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: 'network' | 'timeout',
    readonly detail?: string,
  ) {
    super(reason === 'timeout' ? `${url} did not answer in time` : `no answer from ${url}${detail ? ` (${detail})` : ''}`);
    this.name = 'CompanionUnreachableError';
  }
}

/** The body of a non-JSON answer (another server on that port): not a partage companion. */
export class NotACompanionError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly snippet: string,
  ) {
    super(`${url} answered HTTP ${status}, but not as a partage companion`);
    this.name = 'NotACompanionError';
  }
}

export interface ClientOptions {
  url: string;
  token?: string;
  /** The fetch to use (tests, or a wrapped one); the global one by default. */
  fetch?: typeof fetch;
  /** Per request, except event streams and uploads. */
  timeoutMs?: number;
}

interface RequestOptions {
  body?: unknown;
  raw?: Blob | ArrayBuffer | Uint8Array;
  auth?: boolean;
  timeoutMs?: number | null;
  signal?: AbortSignal;
}

/** Drops a trailing slash and any path: the API lives under /v1 of the origin. */
export function normaliseCompanionUrl(text: string): string {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    throw new Error(`"${text}" is not an address such as ${DEFAULT_COMPANION_URL}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${text}": the companion is reached over https (or http), not ${url.protocol}`);
  return url.origin;
}

export class CompanionClient {
  readonly url: string;
  readonly token: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.url = normaliseCompanionUrl(options.url);
    this.token = options.token;
    // Called through globalThis: a fetch detached from window throws "Illegal invocation".
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  withToken(token: string): CompanionClient {
    return new CompanionClient({ url: this.url, token, fetch: this.fetchImpl, timeoutMs: this.timeoutMs });
  }

  health(timeoutMs = 5_000): Promise<CompanionHealth> {
    return this.request<CompanionHealth>('GET', '/v1/health', { auth: false, timeoutMs }).then((health) => {
      if (!health || health.name !== 'partage-companion') throw new NotACompanionError(this.url, 200, JSON.stringify(health).slice(0, 120));
      return health;
    });
  }

  /** Exchanges a one-time pairing code for the token. */
  async pair(code: string): Promise<string> {
    const answer = await this.request<{ token: string }>('POST', '/v1/pair', { body: { code }, auth: false });
    return answer.token;
  }

  /** Resolves when the token is accepted; rejects with a 401 CompanionHttpError when not. */
  async checkToken(): Promise<void> {
    await this.request('GET', '/v1/jobs?limit=1');
  }

  submit(job: JobRequest): Promise<{ id: string; state: JobState }> {
    return this.request('POST', '/v1/jobs', { body: { type: job.type, input: job.input, options: job.options ?? {} } });
  }

  job(id: string, withResult = true): Promise<JobStatus> {
    return this.request('GET', `/v1/jobs/${encodeURIComponent(id)}${withResult ? '' : '?result=false'}`);
  }

  cancel(id: string): Promise<JobStatus> {
    return this.request('DELETE', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  resume(id: string): Promise<JobStatus> {
    return this.request('POST', `/v1/jobs/${encodeURIComponent(id)}/resume`);
  }

  datasets(): Promise<{ datasets: DatasetInfo[] }> {
    return this.request('GET', '/v1/datasets');
  }

  /** Streams a file to the companion's data folder. */
  uploadDataset(file: Blob | ArrayBuffer | Uint8Array, name: string, format: 'npy' | 'csv' | 'parquet', header?: 'auto' | 'yes' | 'no'): Promise<DatasetInfo> {
    const query = new URLSearchParams({ name, format, ...(header ? { header } : {}) });
    return this.request('POST', `/v1/datasets?${query.toString()}`, { raw: file, timeoutMs: null });
  }

  /**
   * Follows a job's events until the 'end' event (resolves with the final status) or until the
   * stream breaks (rejects; the caller reconnects or polls). `onProgress` gets each status.
   */
  async follow(id: string, onProgress: (job: JobStatus) => void, signal?: AbortSignal): Promise<JobStatus> {
    const response = await this.send('GET', `/v1/jobs/${encodeURIComponent(id)}/events`, { timeoutMs: null, signal });
    if (!response.ok) throw await this.refusal(response);
    if (!response.body) throw new CompanionUnreachableError(this.url, 'network', 'the event stream has no body');
    let end: JobStatus | undefined;
    await readEventStream(
      response.body,
      (event: ServerEvent) => {
        const job = JSON.parse(event.data) as JobStatus;
        if (event.event === 'end') end = job;
        else if (event.event === 'progress') onProgress(job);
      },
      signal,
    );
    if (end) return end;
    if (signal?.aborted) throw new DOMException('stopped following the job', 'AbortError');
    throw new CompanionUnreachableError(this.url, 'network', 'the event stream closed before the job ended');
  }

  private async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    if (!response.ok) throw this.refusalFrom(response.status, text);
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new NotACompanionError(this.url, response.status, text.slice(0, 120));
    }
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {};
    if (options.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined;
    if (options.raw !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      body = options.raw as BodyInit;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const timeoutMs = options.timeoutMs === undefined ? this.timeoutMs : options.timeoutMs;
    const controller = new AbortController();
    const timer = timeoutMs === null ? undefined : setTimeout(() => controller.abort(), timeoutMs);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.fetchImpl(`${this.url}${path}`, { method, headers, body, signal: controller.signal, cache: 'no-store' });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (controller.signal.aborted) throw new CompanionUnreachableError(this.url, 'timeout');
      throw new CompanionUnreachableError(this.url, 'network', error instanceof Error ? error.message : String(error));
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async refusal(response: Response): Promise<Error> {
    return this.refusalFrom(response.status, await response.text());
  }

  private refusalFrom(status: number, text: string): Error {
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string; field?: string } };
      if (body?.error?.message) return new CompanionHttpError(status, body.error.code ?? 'error', body.error.message, body.error.field);
    } catch {
      // not JSON
    }
    return new NotACompanionError(this.url, status, text.slice(0, 120));
  }
}
