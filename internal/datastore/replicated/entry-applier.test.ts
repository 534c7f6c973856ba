import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../test/support/tmp.ts';
import type { Command } from '../command.ts';
import type { Entry } from '../raft/types.ts';
import { RevLog } from '../revlog/revlog.ts';
import { encodeCommand } from './command-codec.ts';
import { EntryApplier, type Outcome } from './entry-applier.ts';
import { SqliteRaftStorage } from './raft-storage.ts';
import { attachSnapshot, copySnapshotContents } from './snapshot-files.ts';
import { requestWindow } from './raft-state.ts';

const put = (key: string, value: string): Command => ({
  type: 'txn',
  txn: { compare: [], success: [{ type: 'put', key, value: new TextEncoder().encode(value) }], failure: [] },
});

const entry = (index: number, id: string, command: Command): Entry => ({ index, term: 1, type: 'normal', data: encodeCommand({ id, command }) });

/** An applier over a real file, applying as a member does: inside its own transaction. */
function openApplier(file: string, onlyCopy: (id: string) => boolean = () => false): { log: RevLog; applier: EntryApplier; settled: Map<string, Outcome>; apply: (entries: Entry[]) => void } {
  const log = RevLog.open(file);
  const storage = new SqliteRaftStorage(log.database);
  const settled = new Map<string, Outcome>();
  const applier = new EntryApplier({
    log,
    storage,
    applyConfChange: () => ({ voters: ['a'], learners: [] }),
    onMembers: () => {},
    ownCommand: () => undefined,
    onlyCopy,
    settle: (id, outcome) => settled.set(id, outcome),
    notify: () => {},
  });
  const apply = (entries: Entry[]): void => log.database.transaction(() => applier.apply(entries)).immediate();
  return { log, applier, settled, apply };
}

const revisionOf = (log: RevLog, key: string): number | undefined => {
  const response = log.applyBatch([{ type: 'txn', txn: { compare: [], success: [{ type: 'get', key }], failure: [] } }])[0];
  if (response === undefined || !response.ok || response.result.type !== 'txn') throw new Error('read failed');
  const result = response.result.response.results[0];
  return result?.type === 'get' ? result.kv?.modRevision : undefined;
};

describe('applying Raft entries', () => {
  it('applies a proposal made again once: in the same batch, in a later one, and after a restart', (t) => {
    const dir = tempDir(t, 'skiff-applier-');
    const file = join(dir, 'state.db');
    let { log, apply, settled } = openApplier(file);
    apply([entry(1, 'p1', put('/k', 'first')), entry(2, 'p1', put('/k', 'copy in the same batch'))]);
    assert.equal(revisionOf(log, '/k'), 1);
    assert.equal(settled.get('p1')?.ok, true);
    apply([entry(3, 'p1', put('/k', 'copy in a later batch')), entry(4, 'p2', put('/k', 'second'))]);
    assert.equal(revisionOf(log, '/k'), 2, 'the later copy of p1 changed nothing; p2 wrote revision 2');
    log.close();

    ({ log, apply } = openApplier(file));
    apply([entry(5, 'p2', put('/k', 'copy after a restart')), entry(6, 'p3', put('/k', 'third'))]);
    assert.equal(revisionOf(log, '/k'), 3);
    log.close();
  });

  it('forgets ids outside the window alike, whenever the ids were pruned', (t) => {
    const dir = tempDir(t, 'skiff-applier-');
    const { log, apply } = openApplier(join(dir, 'state.db'));
    apply([entry(1, 'old', put('/k', 'v1')), entry(2, 'older', put('/o', 'v1'))]);
    apply([entry(requestWindow, 'old', put('/k', 'within the window: a copy'))]);
    assert.equal(revisionOf(log, '/k'), 1);
    // Not pruned yet, but outside the window: a new write.
    apply([entry(requestWindow + 1, 'old', put('/k', 'outside the window'))]);
    assert.equal(revisionOf(log, '/k'), 3);
    // Pruned (the applied index crossed a thousand), and outside the window: a new write.
    apply([entry(requestWindow + 2000, 'filler', put('/f', 'x'))]);
    apply([entry(requestWindow + 2001, 'older', put('/o', 'outside the window'))]);
    assert.equal(revisionOf(log, '/o'), 5);
    // Both copies in one batch, as a member far behind applies them: the window still decides.
    apply([entry(requestWindow + 3000, 'far', put('/far', 'first')), entry(2 * requestWindow + 3000, 'far', put('/far', 'a new write'))]);
    assert.equal(revisionOf(log, '/far'), 7);
    log.close();
  });

  it('keeps the ids of a file written when they were kept one row each', (t) => {
    const file = join(tempDir(t, 'skiff-applier-'), 'state.db');
    const old = RevLog.open(file);
    old.database.exec(`CREATE TABLE raft_request (id TEXT PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO raft_request VALUES ('p1', 1), ('p2', 2)`);
    old.close();
    const { log, apply } = openApplier(file);
    apply([entry(3, 'p2', put('/k', 'a copy of p2')), entry(4, 'p4', put('/k', 'new'))]);
    assert.equal(revisionOf(log, '/k'), 1);
    const tables = log.database.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'raft_request%'`).all();
    assert.deepEqual(tables, [{ name: 'raft_request_batch' }]);
    log.close();
  });

  it('takes the ids over from a snapshot of a member of an earlier version', (t) => {
    const dir = tempDir(t, 'skiff-applier-');
    const old = RevLog.open(join(dir, 'old.db'));
    old.database.exec(`CREATE TABLE raft_request (id TEXT PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO raft_request VALUES ('p1', 1);
      CREATE TABLE raft_conf_history (idx INTEGER PRIMARY KEY, conf TEXT NOT NULL);
      CREATE TABLE raft_state (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO raft_state VALUES ('applied', '1')`);
    old.close();
    const { log, applier, apply } = openApplier(join(dir, 'state.db'));
    const detach = attachSnapshot(log.database, join(dir, 'old.db'));
    log.database.transaction(() => copySnapshotContents(log.database))();
    detach();
    applier.reload();
    apply([entry(2, 'p1', put('/k', 'a copy of p1')), entry(3, 'p3', put('/k', 'new'))]);
    assert.equal(revisionOf(log, '/k'), 1);
    log.close();
  });

  it('neither checks nor keeps the id of a proposal that has no other copy in the log', (t) => {
    const dir = tempDir(t, 'skiff-applier-');
    const { log, apply } = openApplier(join(dir, 'state.db'), (id) => id.startsWith('only-'));
    apply([entry(1, 'only-1', put('/k', 'a')), entry(2, 'maybe-2', put('/k', 'b'))]);
    const kept = log.database.prepare(`SELECT requests FROM raft_request_batch`).all() as Array<{ requests: string }>;
    assert.deepEqual(kept.flatMap((row) => (JSON.parse(row.requests) as Array<[string, number]>).map(([id]) => id)), ['maybe-2']);
    assert.equal(revisionOf(log, '/k'), 2);
    log.close();
  });
});
