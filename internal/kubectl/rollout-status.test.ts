import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../apiserver/objects.ts';
import { KubectlError } from './errors.ts';
import { deploymentRolloutState } from './rollout-status.ts';

const deployment = (generation: number, status: Record<string, unknown>): KubeObject =>
  ({ metadata: { name: 'web', generation }, spec: { replicas: 3 }, status }) as KubeObject;

test('nothing is decided before the controller observes the current generation', () => {
  const state = deploymentRolloutState(deployment(2, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }));
  assert.deepEqual(state, { message: 'Waiting for deployment spec update to be observed...', done: false });
});

test('updated, old and unavailable replicas are waited for in that order', () => {
  const waiting = 'Waiting for deployment "web" rollout to finish: ';
  assert.equal(deploymentRolloutState(deployment(1, { observedGeneration: 1, replicas: 3, updatedReplicas: 1 })).message, `${waiting}1 out of 3 new replicas have been updated...`);
  assert.equal(deploymentRolloutState(deployment(1, { observedGeneration: 1, replicas: 4, updatedReplicas: 3 })).message, `${waiting}1 old replicas are pending termination...`);
  assert.equal(deploymentRolloutState(deployment(1, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 2 })).message, `${waiting}2 of 3 updated replicas are available...`);
  assert.deepEqual(deploymentRolloutState(deployment(1, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 })), {
    message: 'deployment "web" successfully rolled out',
    done: true,
  });
});

test('an exceeded progress deadline is an error', () => {
  const status = { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] };
  assert.throws(() => deploymentRolloutState(deployment(1, status)), KubectlError);
});
