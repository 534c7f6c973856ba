import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiStatusError } from './errors.ts';
import { splitLines, watchEvents, type WatchEvent } from './watch-stream.ts';

async function* chunksOf(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array | string> {
  for (const part of parts) yield part;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('watch stream parsing', () => {
  it('joins a line split across chunks mid-object', async () => {
    const line1 = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } });
    const line2 = JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '6' } } });
    const text = `${line1}\n${line2}\n`;
    const events = await collect(watchEvents(chunksOf(text.slice(0, 7), text.slice(7, line1.length + 3), text.slice(line1.length + 3))));
    assert.deepEqual(events.map((e) => [e.type, e.type === 'ERROR' ? null : e.object.metadata.resourceVersion]), [['ADDED', '5'], ['MODIFIED', '6']]);
  });

  it('keeps a multi-byte character split between two byte chunks', async () => {
    const bytes = new TextEncoder().encode(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'x' }, data: { k: 'héllo' } } })}\n`);
    const cut = bytes.indexOf(0xc3) + 1;
    const [event] = await collect(watchEvents(chunksOf(bytes.slice(0, cut), bytes.slice(cut))));
    assert.equal((event?.object as { data?: { k?: string } }).data?.k, 'héllo');
  });

  it('yields a last line that has no newline and skips blank lines', async () => {
    assert.deepEqual(await collect(splitLines(chunksOf('a\r\n\nb', 'c'))), ['a', '', 'bc']);
    const events = await collect(watchEvents(chunksOf('\n', '{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}')));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, 'BOOKMARK');
  });

  it('surfaces an ERROR event with the Status as a typed ApiStatusError', async () => {
    const status = { kind: 'Status', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version: 3 (7)' };
    const [event] = await collect(watchEvents(chunksOf(`${JSON.stringify({ type: 'ERROR', object: status })}\n`)));
    assert.ok(event !== undefined && event.type === 'ERROR');
    const error = (event as Extract<WatchEvent, { type: 'ERROR' }>).error;
    assert.ok(error instanceof ApiStatusError);
    assert.equal(error.code, 410);
    assert.equal(error.reason, 'Expired');
    assert.match(error.message, /too old resource version/);
  });

  it('fails on a line that is not JSON or has an unknown type, saying what it got', async () => {
    await assert.rejects(collect(watchEvents(chunksOf('{"type":\n'))), /Cannot parse a watch event as JSON/);
    await assert.rejects(collect(watchEvents(chunksOf('{"type":"WHAT","object":{}}\n'))), /type "WHAT"/);
  });
});
