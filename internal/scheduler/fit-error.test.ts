import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reject } from './framework.ts';
import { fitErrorMessage, newDiagnosis } from './fit-error.ts';

describe('fit error message', () => {
  it('counts each reason over nodes and sorts the counted reasons as text', () => {
    const diagnosis = newDiagnosis();
    diagnosis.nodes.set('cp', reject('TaintToleration', 'UnschedulableAndUnresolvable', 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'));
    diagnosis.nodes.set('w1', reject('NodeResourcesFit', 'Unschedulable', 'Insufficient cpu'));
    diagnosis.nodes.set('w2', reject('NodeResourcesFit', 'Unschedulable', 'Insufficient cpu'));
    assert.equal(
      fitErrorMessage(3, diagnosis, 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.'),
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it('counts a node once per reason when a filter gives several', () => {
    const diagnosis = newDiagnosis();
    diagnosis.nodes.set('n', reject('NodeResourcesFit', 'Unschedulable', 'Insufficient cpu', 'Insufficient memory'));
    assert.equal(fitErrorMessage(1, diagnosis), '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.');
  });

  it('sorts as text, so 10 comes before 2', () => {
    const diagnosis = newDiagnosis();
    for (let i = 0; i < 10; i++) diagnosis.nodes.set(`a${i}`, reject('NodeAffinity', 'UnschedulableAndUnresolvable', "node(s) didn't match Pod's node affinity/selector"));
    for (let i = 0; i < 2; i++) diagnosis.nodes.set(`b${i}`, reject('NodeResourcesFit', 'Unschedulable', 'Insufficient cpu'));
    assert.equal(fitErrorMessage(12, diagnosis), "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.");
  });

  it('gives nodes that were not evaluated the absent reason', () => {
    const diagnosis = newDiagnosis();
    diagnosis.nodes.set('n1', reject('NodeResourcesFit', 'Unschedulable', 'Too many pods'));
    diagnosis.absent = reject('NodeAffinity', 'UnschedulableAndUnresolvable', "node(s) didn't satisfy plugin(s) [NodeAffinity]");
    assert.equal(fitErrorMessage(46, diagnosis), "0/46 nodes are available: 1 Too many pods, 45 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });

  it('a PreFilter message stands alone', () => {
    const diagnosis = newDiagnosis();
    diagnosis.preFilterMessage = 'pod affinity terms conflict';
    diagnosis.nodes.set('n1', reject('NodeAffinity', 'UnschedulableAndUnresolvable', 'pod affinity terms conflict'));
    assert.equal(fitErrorMessage(2, diagnosis), '0/2 nodes are available: pod affinity terms conflict.');
  });
});
