import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../apiserver/status.ts';
import { parsePodLogOptions } from './pod-log-options.ts';

const parse = (query: string, now = new Date('2026-01-01T00:00:00Z')) => parsePodLogOptions(new URLSearchParams(query), now);

describe('pod log options', () => {
  it('reads the flags kubectl sends', () => {
    assert.deepEqual(parse('container=web&follow=true&previous=false&timestamps=1&tailLines=10&limitBytes=500'), {
      container: 'web', follow: true, previous: false, timestamps: true, tailLines: 10, limitBytes: 500,
    });
    assert.deepEqual(parse(''), { container: '', follow: false, previous: false, timestamps: false });
  });

  it('turns sinceSeconds and sinceTime into a moment', () => {
    assert.deepEqual(parse('sinceSeconds=60').since, new Date('2025-12-31T23:59:00Z'));
    assert.deepEqual(parse('sinceTime=2025-12-31T12:00:00Z').since, new Date('2025-12-31T12:00:00Z'));
  });

  it('refuses bad values with a 422 naming every field', () => {
    const error = (() => {
      try {
        parse('tailLines=-1&limitBytes=0&follow=maybe&sinceTime=yesterday');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, 422);
    assert.deepEqual(error.details?.causes?.map((c) => c.field), ['follow', 'tailLines', 'limitBytes', 'sinceTime']);
    assert.throws(() => parse('sinceSeconds=5&sinceTime=2025-12-31T12:00:00Z'), /at most one of sinceTime or sinceSeconds/);
    assert.throws(() => parse('tailLines=ten'), /tailLines: Invalid value: "ten": must be a whole number/);
  });
});
