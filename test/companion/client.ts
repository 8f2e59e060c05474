/**
 * A small client of the companion's API for tests, over real HTTP: the same for a companion in the
 * test's process (server/inProcess.ts) and one in a child process (e2e/companionProcess.ts).
 */
import http from 'node:http';

export interface Endpoint {
  /** http://localhost:PORT */
  url: string;
  token: string;
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(
  t: Endpoint,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const raw = body instanceof Uint8Array || typeof body === 'string';
  const response = await fetch(`${t.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${t.token}`,
      ...(body === undefined || raw ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : raw ? (body as BodyInit) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** A request with headers fetch will not send as given (Host), through node:http. */
export function rawRequest(t: Endpoint, options: http.RequestOptions, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: Number(new URL(t.url).port), ...options }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

export async function waitFor(t: Endpoint, id: string, until: (job: any) => boolean, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body: job } = await call(t, 'GET', `/v1/jobs/${id}`);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} (${job.progress}) after ${timeoutMs} ms: ${JSON.stringify(job.error ?? '')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const ended = (job: any) => job.state !== 'queued' && job.state !== 'running';

/** Reads a server-sent event stream to its end: the events in order. */
export async function readEvents(t: Endpoint, id: string): Promise<Array<{ event: string; data: any }>> {
  const response = await fetch(`${t.url}/v1/jobs/${id}/events`, { headers: { authorization: `Bearer ${t.token}` } });
  if (response.status !== 200) throw new Error(`events: ${response.status} ${await response.text()}`);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '' && !block.startsWith(':'))
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)![1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]);
      return { event, data };
    });
}
