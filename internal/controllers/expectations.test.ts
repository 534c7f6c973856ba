import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../client/index.ts';
import { Expectations } from './expectations.ts';

describe('controller expectations', () => {
  it('an unknown key is satisfied; expected creations hold it until each one is observed', () => {
    const expectations = new Expectations(new FakeClock());
    assert.equal(expectations.satisfied('ns/rs'), true);
    expectations.expectCreations('ns/rs', 2);
    assert.equal(expectations.satisfied('ns/rs'), false);
    expectations.creationObserved('ns/rs');
    assert.equal(expectations.satisfied('ns/rs'), false);
    expectations.creationObserved('ns/rs');
    assert.equal(expectations.satisfied('ns/rs'), true);
    expectations.creationObserved('ns/rs');
    assert.deepEqual(expectations.pending('ns/rs'), { adds: 0, deletes: 0 });
  });

  it('a deletion counts once per pod, and deletions of other pods do not count', () => {
    const expectations = new Expectations(new FakeClock());
    expectations.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    expectations.deletionObserved('ns/rs', 'ns/a');
    expectations.deletionObserved('ns/rs', 'ns/a');
    expectations.deletionObserved('ns/rs', 'ns/other');
    assert.equal(expectations.satisfied('ns/rs'), false);
    expectations.deletionObserved('ns/rs', 'ns/b');
    assert.equal(expectations.satisfied('ns/rs'), true);
  });

  it('unmet expectations stop holding the key after the TTL, and forget drops them', () => {
    const clock = new FakeClock(1000);
    const expectations = new Expectations(clock, 60_000);
    expectations.expectCreations('ns/rs', 3);
    clock.advance(60_000);
    assert.equal(expectations.satisfied('ns/rs'), false);
    clock.advance(1);
    assert.equal(expectations.satisfied('ns/rs'), true);
    expectations.expectCreations('ns/other', 1);
    expectations.forget('ns/other');
    assert.equal(expectations.satisfied('ns/other'), true);
  });
});
