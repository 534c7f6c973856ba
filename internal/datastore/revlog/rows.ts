/** Decoding of `kv` rows into the datastore's KeyValue and WatchEvent shapes. */
import { decodeKey } from '../keys.ts';
import type { KeyValue, WatchEvent } from '../types.ts';

/** Columns of one `kv` row as SQLite returns them. */
export interface KvRow {
  revision: number;
  key: Buffer;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  version: number;
  lease: number;
  value: Buffer | null;
}

export const kvColumns = 'revision, key, deleted, create_revision, prev_revision, version, lease, value';

const empty = new Uint8Array(0);

export function toKeyValue(row: KvRow): KeyValue {
  return {
    key: decodeKey(row.key),
    value: row.value ?? empty,
    createRevision: row.create_revision,
    modRevision: row.revision,
    version: row.version,
    lease: row.lease,
  };
}

/** A row of the log joined with the row it superseded (p_* columns, null if none). */
export interface EventRow extends KvRow {
  p_revision: number | null;
  p_deleted: number | null;
  p_create_revision: number | null;
  p_version: number | null;
  p_lease: number | null;
  p_value: Buffer | null;
}

export const eventColumns = `c.revision, c.key, c.deleted, c.create_revision, c.prev_revision, c.version, c.lease, c.value,
  p.revision AS p_revision, p.deleted AS p_deleted, p.create_revision AS p_create_revision,
  p.version AS p_version, p.lease AS p_lease, p.value AS p_value`;

export function toWatchEvent(row: EventRow): WatchEvent {
  const kv = toKeyValue(row);
  const prevKv: KeyValue | null =
    row.p_revision !== null && row.p_deleted === 0
      ? {
          key: kv.key,
          value: row.p_value ?? empty,
          createRevision: row.p_create_revision ?? 0,
          modRevision: row.p_revision,
          version: row.p_version ?? 0,
          lease: row.p_lease ?? 0,
        }
      : null;
  if (row.deleted === 1) return { type: 'delete', kv, prevKv };
  return { type: prevKv === null ? 'create' : 'update', kv, prevKv };
}
