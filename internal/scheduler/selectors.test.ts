import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelSelectorMatcher, mapSelectorMatcher, nodeSelectorMatcher, nodeSelectorTermMatcher } from './selectors.ts';

describe('label selectors', () => {
  it('a missing selector selects nothing and an empty one everything', () => {
    assert.equal(labelSelectorMatcher(undefined)({ a: 'b' }), false);
    assert.equal(labelSelectorMatcher(null)({}), false);
    assert.equal(labelSelectorMatcher({})({ a: 'b' }), true);
  });

  it('matchLabels and every expression operator must all hold', () => {
    const match = labelSelectorMatcher({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    assert.equal(match({ app: 'web', tier: 'edge', team: 'x' }), true);
    assert.equal(match({ app: 'web', tier: 'edge', team: 'x', env: 'prod' }), false);
    assert.equal(match({ app: 'web', tier: 'back', team: 'x' }), false);
    assert.equal(match({ app: 'web', tier: 'edge' }), false);
    assert.equal(match({ app: 'web', tier: 'edge', team: 'x', legacy: '' }), false);
    assert.equal(match({ app: 'api', tier: 'edge', team: 'x' }), false);
  });

  it('an unknown operator selects nothing', () => {
    assert.equal(labelSelectorMatcher({ matchExpressions: [{ key: 'a', operator: 'Like' }] })({ a: 'b' }), false);
  });

  it('a nodeSelector map requires every pair', () => {
    assert.equal(mapSelectorMatcher({ disk: 'ssd', zone: 'a' })({ disk: 'ssd', zone: 'a', x: 'y' }), true);
    assert.equal(mapSelectorMatcher({ disk: 'ssd', zone: 'a' })({ disk: 'ssd' }), false);
    assert.equal(mapSelectorMatcher(undefined)({}), true);
  });
});

describe('node selector terms', () => {
  const node = { name: 'n1', labels: { cores: '8', zone: 'a' } };

  it('Gt and Lt compare integers, and fail on labels that are not integers or missing', () => {
    assert.equal(nodeSelectorTermMatcher({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] })(node), true);
    assert.equal(nodeSelectorTermMatcher({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['8'] }] })(node), false);
    assert.equal(nodeSelectorTermMatcher({ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] })(node), false);
    assert.equal(nodeSelectorTermMatcher({ matchExpressions: [{ key: 'gpus', operator: 'Lt', values: ['1'] }] })(node), false);
  });

  it('a term that cannot be parsed matches no node', () => {
    assert.equal(nodeSelectorTermMatcher({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['four'] }] })(node), false);
    assert.equal(nodeSelectorTermMatcher({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['1', '2'] }] })(node), false);
  });

  it('NotIn and DoesNotExist hold for a missing label', () => {
    assert.equal(nodeSelectorTermMatcher({ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['x'] }, { key: 'gpu', operator: 'DoesNotExist' }] })(node), true);
  });

  it('matchFields selects by metadata.name with In and NotIn only', () => {
    assert.equal(nodeSelectorTermMatcher({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] })(node), true);
    assert.equal(nodeSelectorTermMatcher({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] })(node), false);
    assert.equal(nodeSelectorTermMatcher({ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['n1'] }] })(node), false);
  });

  it('an empty term matches nothing, and terms are ORed', () => {
    assert.equal(nodeSelectorTermMatcher({})(node), false);
    const either = nodeSelectorMatcher([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }]);
    assert.equal(either(node), true);
    assert.equal(nodeSelectorMatcher([])(node), false);
  });
});
