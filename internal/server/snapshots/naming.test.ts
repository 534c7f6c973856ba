import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SnapshotError } from './errors.ts';
import { createdSecondsOf, isSnapshotOf, snapshotFileName, snapshotNameProblem } from './naming.ts';

describe('snapshot naming', () => {
  it('names a file <name>-<node>-<unix-seconds>, dropping fractions of a second', () => {
    assert.equal(snapshotFileName('before-upgrade', 'pi-01', 1_712_345_678.9), 'before-upgrade-pi-01-1712345678');
  });

  it('refuses names that are empty, hidden or could leave the snapshot directory', () => {
    for (const name of ['', '.hidden', '../etc', 'a/b', 'with space', 'x'.repeat(101)]) {
      assert.notEqual(snapshotNameProblem(name), undefined, name);
      assert.throws(() => snapshotFileName(name, 'node', 1_712_345_678), (error: unknown) => error instanceof SnapshotError && error.code === 'InvalidName', name);
    }
    assert.throws(() => snapshotFileName('ok', '../node', 1_712_345_678), /not a valid node name/);
  });

  it('reads the creation time back from the name, and nothing from a name without one', () => {
    assert.equal(createdSecondsOf('skiff-snapshot-pi-01-1712345678'), 1_712_345_678);
    assert.equal(createdSecondsOf('copied-by-hand.db'), undefined);
    assert.equal(createdSecondsOf('backup-2'), undefined);
  });

  it('tells the snapshots of one node from those of a node whose name extends it', () => {
    assert.equal(isSnapshotOf('skiff-scheduled-pi-1712345678', 'skiff-scheduled', 'pi'), true);
    assert.equal(isSnapshotOf('skiff-scheduled-pi-2-1712345678', 'skiff-scheduled', 'pi'), false);
    assert.equal(isSnapshotOf('skiff-snapshot-pi-1712345678', 'skiff-scheduled', 'pi'), false);
  });
});
