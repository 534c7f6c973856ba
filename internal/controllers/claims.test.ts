import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiStatusError } from '../client/index.ts';
import type { JsonObject } from '../apiserver/objects.ts';
import { claimObjects } from './claims.ts';
import { pod } from './fixtures.ts';
import { selectorMatches, selectsEverything } from './label-selector.ts';
import { claimDecision } from './owner-references.ts';
import type { OwnerReference, Pod } from './workload-types.ts';

const ref: OwnerReference = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true, blockOwnerDeletion: true };
const owned = (name: string, uid = 'rs-uid', labels = { app: 'web' }): Pod => {
  const p = pod(name, { labels });
  p.metadata.ownerReferences = [{ ...ref, uid }];
  return p;
};

describe('label selectors', () => {
  it('match labels and every kind of expression; an empty selector selects everything, a missing one nothing', () => {
    const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a', 'b'] }, { key: 'canary', operator: 'DoesNotExist' as const }] };
    assert.equal(selectorMatches(selector, { app: 'web', tier: 'a' }), true);
    assert.equal(selectorMatches(selector, { app: 'web', tier: 'c' }), false);
    assert.equal(selectorMatches(selector, { app: 'web', tier: 'a', canary: '' }), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['1'] }, { key: 'y', operator: 'Exists' }] }, { y: '' }), true);
    assert.equal(selectorMatches({}, { any: 'thing' }), true);
    assert.equal(selectsEverything({}), true);
    assert.equal(selectorMatches(undefined, { app: 'web' }), false);
  });
});

describe('claiming', () => {
  const claimant = { uid: 'rs-uid', namespace: 'default', deleting: false };

  it('keeps what it controls and selects, releases what it no longer selects, adopts matching orphans, ignores the rest', () => {
    assert.equal(claimDecision(claimant, owned('a'), true), 'keep');
    assert.equal(claimDecision(claimant, owned('a'), false), 'release');
    assert.equal(claimDecision(claimant, owned('a', 'other-uid'), true), 'ignore');
    assert.equal(claimDecision(claimant, pod('orphan'), true), 'adopt');
    assert.equal(claimDecision(claimant, pod('orphan'), false), 'ignore');
    assert.equal(claimDecision(claimant, pod('dying', { deleting: true }), true), 'ignore');
    assert.equal(claimDecision({ ...claimant, deleting: true }, owned('a'), false), 'ignore');
    assert.equal(claimDecision({ ...claimant, deleting: true }, pod('orphan'), true), 'ignore');
  });

  it('adopts with a uid-guarded patch after one recheck, releases by uid, and skips objects that vanished', async () => {
    const patches: Array<[string, JsonObject]> = [];
    let rechecks = 0;
    const claimed = await claimObjects<Pod>({
      claimant,
      selector: { matchLabels: { app: 'web' } },
      ref,
      candidates: [owned('mine'), owned('stray', 'rs-uid', { app: 'other' }), pod('orphan-1'), pod('orphan-2'), pod('vanished')],
      canAdopt: async () => void rechecks++,
      patch: async (name, patch) => {
        patches.push([name, patch]);
        if (name === 'vanished') throw new ApiStatusError({ code: 404, reason: 'NotFound', message: 'pods "vanished" not found' });
        return pod(name);
      },
    });
    assert.deepEqual(claimed.map((p) => p.metadata.name), ['mine', 'orphan-1', 'orphan-2']);
    assert.equal(rechecks, 1);
    assert.deepEqual(patches[0], ['stray', { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'rs-uid' }], uid: 'uid-stray' } }]);
    assert.deepEqual(patches[1], ['orphan-1', { metadata: { ownerReferences: [ref], uid: 'uid-orphan-1' } }]);
  });

  it('a failed recheck adopts nothing and fails the claim', async () => {
    await assert.rejects(
      claimObjects<Pod>({
        claimant,
        selector: { matchLabels: { app: 'web' } },
        ref,
        candidates: [pod('orphan')],
        canAdopt: async () => {
          throw new Error('it is being deleted');
        },
        patch: async () => assert.fail('nothing may be patched'),
      }),
      /it is being deleted/,
    );
  });
});
