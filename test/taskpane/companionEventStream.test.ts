/**
 * The server-sent events parser the pane reads job progress with: the standard's rules that the
 * companion's streams use, and that the way the bytes are cut into chunks never matters.
 */
import fc from 'fast-check';
import { EventStreamParser, readEventStream, type ServerEvent } from '../../src/taskpane/companion/eventStream';

function parseAll(chunks: string[]): ServerEvent[] {
  const parser = new EventStreamParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('EventStreamParser', () => {
  test('reads named events, skips comments, joins data lines and drops one leading space', () => {
    const text = ': keep-alive\n\nevent: progress\ndata: {"progress":0.5}\n\nevent: end\ndata:first\ndata:  second\n\ndata: unnamed\n\n';
    expect(parseAll([text])).toEqual([
      { event: 'progress', data: '{"progress":0.5}' },
      { event: 'end', data: 'first\n second' },
      { event: 'message', data: 'unnamed' },
    ]);
  });

  test('accepts CRLF line ends, and a block without data dispatches nothing', () => {
    expect(parseAll(['event: progress\r\ndata: 1\r\n\r\nevent: lonely\r\n\r\n'])).toEqual([{ event: 'progress', data: '1' }]);
  });

  test('an event is only complete at its blank line', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: end\ndata: {"state":"done"}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'end', data: '{"state":"done"}' }]);
  });

  test('any cutting of a stream into chunks gives the same events', () => {
    const event = fc.record({
      name: fc.constantFrom('progress', 'end', 'message'),
      // JSON text as the companion sends it: one line, any characters but line ends.
      data: fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s.replace(/[\r\n]/g, ' '))),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), (events, cuts, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = events.map((e) => `: comment${eol}event: ${e.name}${eol}data: ${e.data}${eol}${eol}`).join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let from = 0;
        for (const p of points) {
          chunks.push(text.slice(from, p));
          from = p;
        }
        chunks.push(text.slice(from));
        expect(parseAll(chunks)).toEqual(events.map((e) => ({ event: e.name, data: e.data })));
      }),
    );
  });
});

describe('readEventStream', () => {
  function streamOf(parts: string[]): ReadableStream<Uint8Array> {
    const bytes = parts.map((p) => new TextEncoder().encode(p));
    return new ReadableStream({
      start(controller) {
        for (const b of bytes) controller.enqueue(b);
        controller.close();
      },
    });
  }

  test('decodes UTF-8 split across chunks and drops an event the stream did not finish', async () => {
    const encoded = new TextEncoder().encode('event: end\ndata: "Zürich €"\n\nevent: progress\ndata: 1\n');
    // Cut inside the two-byte ü and the three-byte €.
    const cut1 = encoded.indexOf(0xc3) + 1;
    const cut2 = encoded.indexOf(0xe2) + 2;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoded.slice(0, cut1));
        controller.enqueue(encoded.slice(cut1, cut2));
        controller.enqueue(encoded.slice(cut2));
        controller.close();
      },
    });
    const events: ServerEvent[] = [];
    await readEventStream(stream, (e) => events.push(e));
    expect(events).toEqual([{ event: 'end', data: '"Zürich €"' }]);
  });

  test('stops reading when aborted', async () => {
    let pull = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pull++;
        controller.enqueue(new TextEncoder().encode(`event: progress\ndata: ${pull}\n\n`));
      },
    });
    const controller = new AbortController();
    const events: ServerEvent[] = [];
    await readEventStream(endless, (e) => {
      events.push(e);
      if (events.length === 3) controller.abort();
    }, controller.signal);
    expect(events.slice(0, 3).map((e) => e.data)).toEqual(['1', '2', '3']);
    expect(events.length).toBeLessThanOrEqual(4);
  });

  test('a finished stream gives all its events', async () => {
    const events: ServerEvent[] = [];
    await readEventStream(streamOf(['data: a\n\n', 'data: b\n\n']), (e) => events.push(e));
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
  });
});
