import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageSince, createdAt, humanDuration, shortHumanDuration } from './duration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  const cases: Array<[number, string]> = [
    [-2 * s, '<invalid>'],
    [-1500, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 2 * s, '3m2s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [45 * m, '45m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [5 * h + 10 * m, '5h10m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [729 * d, '729d'],
    [2 * y, '2y'],
    [3 * y + 20 * d, '3y20d'],
    [8 * y + 100 * d, '8y'],
  ];
  for (const [ms, want] of cases) {
    it(`prints ${ms} ms as ${want}`, () => assert.equal(humanDuration(ms), want));
  }
});

describe('shortHumanDuration', () => {
  const cases: Array<[number, string]> = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [59 * s, '59s'],
    [61 * s, '1m'],
    [59 * m, '59m'],
    [23 * h + 59 * m, '23h'],
    [3 * d + 4 * h, '3d'],
    [400 * d, '1y'],
  ];
  for (const [ms, want] of cases) {
    it(`prints ${ms} ms as ${want}`, () => assert.equal(shortHumanDuration(ms), want));
  }
});

describe('ages and creation times', () => {
  it('a missing timestamp has an unknown age', () => {
    assert.equal(ageSince(undefined, 0), '<unknown>');
  });
  it('an age is measured from the timestamp to now', () => {
    assert.equal(ageSince('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:03:02Z')), '3m2s');
  });
  it('a creation time prints in UTC at second precision', () => {
    assert.equal(createdAt('2024-05-06T07:08:09.123+02:00'), '2024-05-06T05:08:09Z');
  });
});
