/**
 * Server-sent events read from a fetch() body. EventSource would be simpler but cannot send the
 * Authorization header the companion requires, so the pane reads the stream itself.
 *
 * The parser follows the WHATWG event-stream rules the companion relies on: lines end in LF or
 * CRLF (a lone CR, which the companion never sends, is not treated as a line end), `event:` names
 * the event, `data:` lines are joined with LF, lines starting with `:` are comments (keep-alives),
 * one space after the colon is dropped, and a blank line dispatches the event.
 */

export interface ServerEvent {
  /** 'message' when the block named none. */
  event: string;
  data: string;
}

export class EventStreamParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  /** Feeds a chunk of text; returns the events it completed. */
  push(chunk: string): ServerEvent[] {
    this.buffer += chunk;
    const out: ServerEvent[] = [];
    let start = 0;
    for (let end = this.buffer.indexOf('\n', start); end !== -1; end = this.buffer.indexOf('\n', start)) {
      let line = this.buffer.slice(start, end);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      start = end + 1;
      this.line(line, out);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: ServerEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    // id and retry are not used by the companion.
  }
}

/**
 * Reads `body` to its end (or until `signal` aborts), calling `onEvent` for each event. Resolves
 * when the server closes the stream; rejects when the connection breaks.
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, onEvent: (event: ServerEvent) => void, signal?: AbortSignal): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new EventStreamParser();
  const abort = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) onEvent(event);
    }
    // An event the server did not finish with a blank line is dropped, as the standard says.
    for (const event of parser.push(decoder.decode())) onEvent(event);
  } finally {
    signal?.removeEventListener('abort', abort);
    reader.releaseLock();
  }
}
