/**
 * Snapshots as files: what a leader streams to a member whose log it has compacted is a
 * consistent online copy of its whole state database (the revision log with its own
 * applied index and membership), and what the member installs is that copy's contents.
 *
 * The copy may be newer than the compaction point named in the snapshot message; the
 * applied index inside it says how far it is, and the entries in between are skipped
 * when they arrive (membership changes among them are still told to Raft).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SqliteDatabase } from '../../util/sqlite.ts';
import { openSqlite } from '../../util/sqlite.ts';
import { applicationId } from '../revlog/schema.ts';
import { carryOldRequests } from './raft-state.ts';
import type { RevLog } from '../revlog/revlog.ts';
import type { SnapshotMeta } from '../raft/types.ts';

let sequence = 0;

/** Writes a consistent copy of the log's database into `dir`; the stream deletes it once read or closed. */
export async function openOutgoingSnapshot(log: RevLog, dir: string): Promise<Readable> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `outgoing-${process.pid}-${++sequence}.db`);
  try {
    await log.backupTo(file);
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  const stream = createReadStream(file);
  stream.once('close', () => void rm(file, { force: true }));
  return stream;
}

export const snapshotKey = (meta: Pick<SnapshotMeta, 'index' | 'term'>): string => `${meta.index}.${meta.term}`;

/**
 * Saves a received snapshot stream to a file in `dir`, synced, and checks that it is a
 * skiff datastore that holds a replicated state; returns its path.
 */
export async function receiveSnapshotFile(dir: string, meta: SnapshotMeta, data: Readable): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `incoming-${snapshotKey(meta)}-${process.pid}-${++sequence}.db`);
  try {
    await pipeline(data, createWriteStream(file, { mode: 0o600 }));
    const handle = await open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    checkSnapshotFile(file, meta);
    return file;
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}

function checkSnapshotFile(file: string, meta: SnapshotMeta): void {
  const db = openSqlite(file, { readonly: true, fileMustExist: true });
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== applicationId) throw new Error(`the received snapshot ${file} is not a skiff datastore (application_id ${appId})`);
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new Error(`the received snapshot ${file} is corrupt: ${check}`);
    const applied = db.prepare(`SELECT value FROM raft_state WHERE name = 'applied'`).get() as { value: string } | undefined;
    const at = applied === undefined ? 0 : Number(JSON.parse(applied.value));
    if (at < meta.index) throw new Error(`the received snapshot ${file} holds index ${at}, older than the announced ${meta.index}`);
  } finally {
    db.close();
  }
}

/**
 * Replaces the state machine's tables in `db` (revision log, leases, metadata, revision
 * counter, applied index, membership, applied request ids) by those of the snapshot file. Call inside a
 * transaction, with the file attached as `snap` (attachSnapshot).
 */
export function copySnapshotContents(db: SqliteDatabase): void {
  // A snapshot from a member of an earlier version keeps the request ids one row each.
  const oldRequests = db.prepare(`SELECT 1 FROM snap.sqlite_master WHERE type = 'table' AND name = 'raft_request'`).get() !== undefined;
  const requests = oldRequests ? `${carryOldRequests('snap')};` : 'INSERT INTO main.raft_request_batch SELECT * FROM snap.raft_request_batch;';
  db.exec(`
    DELETE FROM main.kv; INSERT INTO main.kv SELECT * FROM snap.kv;
    DELETE FROM main.lease; INSERT INTO main.lease SELECT * FROM snap.lease;
    DELETE FROM main.meta; INSERT INTO main.meta SELECT * FROM snap.meta;
    DELETE FROM main.sqlite_sequence WHERE name = 'kv';
    INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM snap.sqlite_sequence WHERE name = 'kv';
    DELETE FROM main.raft_request_batch; ${requests}
    DELETE FROM main.raft_conf_history; INSERT INTO main.raft_conf_history SELECT * FROM snap.raft_conf_history;
    DELETE FROM main.raft_state WHERE name IN ('applied', 'conf', 'members');
    INSERT INTO main.raft_state SELECT * FROM snap.raft_state WHERE name IN ('applied', 'conf', 'members');
  `);
}

/** Attaches the file as schema `snap` (outside any transaction); returns the detach. */
export function attachSnapshot(db: SqliteDatabase, file: string): () => void {
  db.prepare(`ATTACH DATABASE ? AS snap`).run(file);
  return () => db.exec(`DETACH DATABASE snap`);
}
