import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../test/support/tmp.ts';
import { expiredSnapshots, listSnapshots, pruneSnapshots } from './snapshot-dir.ts';
import type { SnapshotInfo } from './snapshot-file.ts';

const at = (name: string, seconds: number): SnapshotInfo => ({ name, path: `/s/${name}`, sizeBytes: 1, createdAt: seconds * 1000 });

describe('snapshot directory', () => {
  it('lists snapshot files oldest first, by the time in their names, leaving out hidden partial files', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'b-node-1700000200'), 'bb');
    writeFileSync(join(dir, 'a-node-1700000100'), 'a');
    writeFileSync(join(dir, '.c-node-1700000300.partial'), 'partial');
    mkdirSync(join(dir, 'not-a-file-1700000000'));
    const listed = listSnapshots(dir);
    assert.deepEqual(listed.map((s) => [s.name, s.sizeBytes, s.createdAt]), [
      ['a-node-1700000100', 1, 1_700_000_100_000],
      ['b-node-1700000200', 2, 1_700_000_200_000],
    ]);
  });

  it('dates a file without a time in its name by its modification time', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'copied.db'), 'x');
    utimesSync(join(dir, 'copied.db'), 1_600_000_000, 1_600_000_000);
    assert.equal(listSnapshots(dir)[0]?.createdAt, 1_600_000_000_000);
  });

  it('lists nothing for a directory that does not exist yet', (t) => {
    assert.deepEqual(listSnapshots(join(tempDir(t), 'missing')), []);
  });

  it('retention chooses the oldest scheduled snapshots of this node beyond the number kept', () => {
    const snapshots = [
      at('skiff-scheduled-pi-1700000400', 1_700_000_400),
      at('skiff-scheduled-pi-1700000100', 1_700_000_100),
      at('skiff-scheduled-pi-1700000300', 1_700_000_300),
      at('skiff-scheduled-pi-1700000200', 1_700_000_200),
      at('skiff-scheduled-other-1700000000', 1_700_000_000),
      at('skiff-scheduled-pi-2-1700000000', 1_700_000_000),
      at('skiff-snapshot-pi-1700000000', 1_700_000_000),
      at('before-upgrade-pi-1700000000', 1_700_000_000),
    ];
    assert.deepEqual(expiredSnapshots(snapshots, 'skiff-scheduled', 'pi', 2).map((s) => s.name), ['skiff-scheduled-pi-1700000100', 'skiff-scheduled-pi-1700000200']);
    assert.deepEqual(expiredSnapshots(snapshots, 'skiff-scheduled', 'pi', 4), []);
  });

  it('pruning deletes exactly the snapshots retention chose, from disk', (t) => {
    const dir = tempDir(t);
    for (const name of ['skiff-scheduled-pi-1700000100', 'skiff-scheduled-pi-1700000200', 'skiff-scheduled-pi-1700000300', 'skiff-snapshot-pi-1700000050']) {
      writeFileSync(join(dir, name), name);
    }
    const removed = pruneSnapshots(dir, 'skiff-scheduled', 'pi', 1);
    assert.deepEqual(removed.map((s) => s.name), ['skiff-scheduled-pi-1700000100', 'skiff-scheduled-pi-1700000200']);
    assert.deepEqual(readdirSync(dir).sort(), ['skiff-scheduled-pi-1700000300', 'skiff-snapshot-pi-1700000050']);
  });
});
