// The text/event-stream parser, fed the way a network delivers bytes: in
// arbitrary chunks, with CRLF pairs split across them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../build/stream.js';
import { backoffDelay } from '../build/timing.js';

function parse(chunks) {
  const events = [];
  const parser = new SseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

const STREAM = ': keep-alive\n\nevent: revision\ndata: {"revision":3}\n\nevent: revision\r\ndata: {"revision":4}\r\n\r\ndata: a\ndata: b\n\n';
const EXPECTED = [
  { event: 'revision', data: '{"revision":3}' },
  { event: 'revision', data: '{"revision":4}' },
  { event: 'message', data: 'a\nb' },
];

test('parses whole streams: events, comments, CRLF, multi-line data', () => {
  assert.deepEqual(parse([STREAM]), EXPECTED);
});

test('gives the same events whatever the chunking', () => {
  for (let size = 1; size <= 7; size++) {
    const chunks = [];
    for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.slice(i, i + size));
    assert.deepEqual(parse(chunks), EXPECTED, `chunks of ${size}`);
  }
  // a CR ending one chunk and its LF starting the next is one line break
  assert.deepEqual(parse(['data: x\r', '\n\r', '\n']), [{ event: 'message', data: 'x' }]);
});

test('lone CR ends lines; fields without a space or value; events without data are not dispatched', () => {
  assert.deepEqual(parse(['event: revision\rdata:{"revision":1}\r\r']), [{ event: 'revision', data: '{"revision":1}' }]);
  assert.deepEqual(parse(['event: revision\n\n', 'id: 7\nretry: 100\n\n']), []);
  assert.deepEqual(parse(['data\n\n']), [{ event: 'message', data: '' }]);
  assert.deepEqual(parse(['data: incomplete']), []);
});

test('backoff doubles per failure between half and all of the ceiling, capped', () => {
  assert.equal(backoffDelay(1, 1000, 60_000, () => 0), 500);
  assert.equal(backoffDelay(1, 1000, 60_000, () => 1), 1000);
  assert.equal(backoffDelay(3, 1000, 60_000, () => 1), 4000);
  assert.equal(backoffDelay(3, 1000, 60_000, () => 0), 2000);
  assert.equal(backoffDelay(20, 1000, 60_000, () => 1), 60_000);
  assert.equal(backoffDelay(500, 1000, 60_000, () => 0), 30_000);
  for (let i = 0; i < 100; i++) {
    const delay = backoffDelay(2, 1000, 60_000);
    assert.ok(delay >= 1000 && delay <= 2000, `${delay}`);
  }
});
