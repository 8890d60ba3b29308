// The event queue: impression dedupe, evaluation counts, the bound that keeps
// an offline app's memory flat, and batching within the endpoint's limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue, batchEvents } from '../build/events.js';

function queue(capacity = 100, dedupeCapacity = 100) {
  let now = 1_000;
  const q = new EventQueue({ capacity, dedupeCapacity, now: () => now++ });
  return q;
}

test('an impression per (user, flag, variation), counts for every evaluation', () => {
  const q = queue();
  for (let i = 0; i < 3; i++) q.recordEvaluation('f', 'on', 'r1', 'u1');
  q.recordEvaluation('f', 'off', null, 'u1');
  q.recordEvaluation('f', 'on', 'r1', 'u2');
  q.recordEvaluation('g', 'on', null, null);
  const events = q.drain();
  const impressions = events.filter((e) => e.type === 'impression');
  assert.deepEqual(
    impressions.map((e) => [e.flagKey, e.variation, e.ruleId, e.userKey]),
    [
      ['f', 'on', 'r1', 'u1'],
      ['f', 'off', null, 'u1'],
      ['f', 'on', 'r1', 'u2'],
      ['g', 'on', null, null],
    ],
  );
  const summaries = events.filter((e) => e.type === 'summary');
  assert.deepEqual(
    summaries.map((e) => [e.flagKey, e.variation, e.count]),
    [
      ['f', 'on', 4],
      ['f', 'off', 1],
      ['g', 'on', 1],
    ],
  );
  for (const s of summaries) assert.ok(s.startTimestamp < s.endTimestamp);
  assert.deepEqual(q.drain(), [], 'drain empties the queue and the counts');
  q.recordEvaluation('f', 'on', 'r1', 'u1');
  assert.deepEqual(
    q.drain().map((e) => e.type),
    ['summary'],
    'already seen in this session: counted, no new impression',
  );
});

test('custom events keep their value only when given', () => {
  const q = queue();
  q.track('purchase', 12.5, 'u1');
  q.track('signup', undefined, null);
  const [purchase, signup] = q.drain();
  assert.deepEqual({ ...purchase, timestamp: 0 }, { type: 'custom', eventKey: 'purchase', value: 12.5, userKey: 'u1', timestamp: 0 });
  assert.equal('value' in signup, false);
});

test('a full queue drops the oldest events and counts them', () => {
  const q = queue(5);
  for (let i = 0; i < 12; i++) q.track(`e${i}`, undefined, null);
  assert.equal(q.size, 5);
  assert.equal(q.dropped, 7);
  assert.deepEqual(
    q.drain().map((e) => e.eventKey),
    ['e7', 'e8', 'e9', 'e10', 'e11'],
  );
});

test('requeued events go before newer ones, still within capacity', () => {
  const q = queue(4);
  q.track('old1', undefined, null);
  q.track('old2', undefined, null);
  const failed = q.drain();
  q.track('new1', undefined, null);
  q.track('new2', undefined, null);
  q.track('new3', undefined, null);
  q.requeue(failed);
  assert.deepEqual(
    q.drain().map((e) => e.eventKey),
    ['old2', 'new1', 'new2', 'new3'],
  );
  assert.equal(q.dropped, 1);
});

test('the dedupe memory is bounded: the oldest triple is forgotten first', () => {
  const q = queue(100, 2);
  q.recordEvaluation('a', 'on', null, 'u');
  q.recordEvaluation('b', 'on', null, 'u');
  q.recordEvaluation('c', 'on', null, 'u'); // forgets a/u
  q.recordEvaluation('a', 'on', null, 'v'); // forgets b/u
  q.recordEvaluation('a', 'on', null, 'u'); // a/u was forgotten: a new impression
  q.recordEvaluation('c', 'on', null, 'u'); // still remembered
  const impressions = q.drain().filter((e) => e.type === 'impression');
  assert.deepEqual(
    impressions.map((e) => `${e.flagKey}/${e.userKey}`),
    ['a/u', 'b/u', 'c/u', 'a/v', 'a/u'],
  );
});

test('batches respect the event count and byte limits', () => {
  const events = Array.from({ length: 25 }, (_, i) => ({ type: 'custom', eventKey: `k${i}`.padEnd(100, 'x'), userKey: null, timestamp: 1000 + i }));
  assert.deepEqual(
    batchEvents(events, 10, 1e9).map((b) => b.length),
    [10, 10, 5],
  );
  const perEvent = JSON.stringify(events[0]).length + 1;
  const bySize = batchEvents(events, 1000, perEvent * 4);
  assert.deepEqual(
    bySize.map((b) => b.length),
    [4, 4, 4, 4, 4, 4, 1],
  );
  assert.deepEqual(bySize.flat(), events);
  assert.deepEqual(batchEvents([events[0]], 10, 1), [[events[0]]], 'an oversized event still gets its own batch');
  assert.deepEqual(batchEvents([], 10, 100), []);
});
