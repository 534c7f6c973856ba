import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from './duration.ts';

test('durations read Go-style units and combinations into milliseconds', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('12h'), 43_200_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1.5s'), 1_500);
  assert.equal(parseDuration('0'), 0);
});

test('text that is not a duration reads as undefined', () => {
  for (const text of ['', '5', '5x', 'abc', '-5m', '5m ', 'm', '1d', '5m3']) {
    assert.equal(parseDuration(text), undefined, text);
  }
});

test('formatted durations read back to the same value', () => {
  for (const millis of [0, 500, 30_000, 300_000, 5_400_000, 86_400_000, 3_723_004]) {
    assert.equal(parseDuration(formatDuration(millis)), millis);
  }
  assert.equal(formatDuration(5_400_000), '1h30m');
});
