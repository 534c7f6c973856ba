/**
 * Datastore benchmark: write rates (sequential and 16 concurrent writers), watch
 * delivery latency with 100 watchers, and a 10k-key range, each beside raw
 * better-sqlite3 doing the equivalent work with the same durability (WAL,
 * synchronous=FULL, each acknowledged write committed on its own) in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MvccStore } from '../internal/datastore/mvcc/store.ts';
import type { Watcher } from '../internal/datastore/types.ts';
import { openSqlite, type SqliteDatabase } from '../internal/util/sqlite.ts';
import { figure, percentile, target } from './report.ts';

const writes = Number(process.env.BENCH_STORE_WRITES ?? '2000');
const concurrency = 16;
const watchers = 100;
const watchWrites = Number(process.env.BENCH_STORE_WATCH_WRITES ?? '300');
const rangeKeys = 10_000;
const value = new TextEncoder().encode(JSON.stringify({ kind: 'ConfigMap', data: { payload: 'x'.repeat(400) } }));

function openRaw(file: string): SqliteDatabase {
  const db = openSqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE kv (revision INTEGER PRIMARY KEY AUTOINCREMENT, key BLOB NOT NULL, value BLOB)');
  db.exec('CREATE INDEX kv_key ON kv (key, revision)');
  return db;
}

function rawWriteRate(dir: string): number {
  const db = openRaw(join(dir, 'raw-writes.db'));
  const insert = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const start = performance.now();
  for (let i = 0; i < writes; i++) insert.run(Buffer.from(`/registry/configmaps/default/raw-${i}`), value);
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return writes / seconds;
}

async function storeWriteRate(dir: string, name: string, writers: number): Promise<number> {
  const store = MvccStore.open({ file: join(dir, `${name}.db`), compactIntervalMs: 0 });
  const perWriter = Math.ceil(writes / writers);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await store.create(`/registry/configmaps/default/w${w}-${i}`, value);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  return (perWriter * writers) / seconds;
}

/** Raw commit latency of one insert: what a watch event can never beat. */
function rawCommitLatencies(dir: string): number[] {
  const db = openRaw(join(dir, 'raw-latency.db'));
  const insert = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const samples: number[] = [];
  for (let i = 0; i < watchWrites; i++) {
    const start = performance.now();
    insert.run(Buffer.from(`/registry/configmaps/default/lat-${i}`), value);
    samples.push(performance.now() - start);
  }
  db.close();
  return samples;
}

/** From a write being issued to its event reaching each of 100 watchers. */
async function watchLatencies(dir: string): Promise<number[]> {
  const store = MvccStore.open({ file: join(dir, 'watch.db'), compactIntervalMs: 0 });
  const samples: number[] = [];
  let issuedAt = 0;
  let received = 0;
  let allReceived: () => void = () => {};
  const streams: Watcher[] = [];
  const readers = Array.from({ length: watchers }, async () => {
    const watcher = store.watch({ key: '/registry/configmaps/', prefix: true });
    streams.push(watcher);
    for await (const events of watcher) {
      const now = performance.now();
      for (let i = 0; i < events.length; i++) samples.push(now - issuedAt);
      received += events.length;
      if (received === watchers) allReceived();
    }
  });
  for (let i = 0; i < watchWrites; i++) {
    received = 0;
    const done = new Promise<void>((resolve) => {
      allReceived = resolve;
    });
    issuedAt = performance.now();
    await store.create(`/registry/configmaps/default/watched-${i}`, value);
    await done;
  }
  for (const watcher of streams) watcher.cancel();
  await Promise.all(readers);
  await store.close();
  return samples;
}

async function rangeTimes(dir: string): Promise<{ store: number; raw: number }> {
  const store = MvccStore.open({ file: join(dir, 'range.db'), compactIntervalMs: 0 });
  for (let i = 0; i < rangeKeys; i += 500) {
    await store.txn({
      compare: [],
      success: Array.from({ length: 500 }, (_, j) => ({
        type: 'put' as const,
        key: `/registry/configmaps/default/r-${String(i + j).padStart(6, '0')}`,
        value,
      })),
      failure: [],
    });
  }
  const raw = openRaw(join(dir, 'raw-range.db'));
  const insert = raw.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  raw.transaction(() => {
    for (let i = 0; i < rangeKeys; i++) insert.run(Buffer.from(`/registry/configmaps/default/r-${String(i).padStart(6, '0')}`), value);
  })();
  const select = raw.prepare('SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key');
  const best = async (fn: () => Promise<number> | number): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      const n = await fn();
      times.push(performance.now() - start);
      if (n !== rangeKeys) throw new Error(`range returned ${n} keys, expected ${rangeKeys}`);
    }
    return percentile(times, 50);
  };
  const storeMs = await best(async () => (await store.range({ prefix: '/registry/configmaps/' })).kvs.length);
  const rawMs = await best(() => select.all(Buffer.from('/registry/configmaps/'), Buffer.from('/registry/configmaps0')).length);
  raw.close();
  await store.close();
  return { store: storeMs, raw: rawMs };
}

export async function runStoreBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-store-'));
  try {
    figure('store_writes_per_run', writes);
    const raw = rawWriteRate(dir);
    figure('raw_write_per_s', raw, 0);
    const sequential = await storeWriteRate(dir, 'sequential', 1);
    figure('store_seq_write_per_s', sequential, 0);
    figure('store_seq_write_ratio', sequential / raw);
    const concurrent = await storeWriteRate(dir, 'concurrent', concurrency);
    figure('store_concurrent_writers', concurrency);
    figure('store_concurrent_write_per_s', concurrent, 0);
    const ratio = concurrent / raw;
    figure('store_write_ratio', ratio);
    target('store_write_ratio', ratio >= 0.5, '>=0.5');

    const commit = rawCommitLatencies(dir);
    figure('raw_commit_p50_ms', percentile(commit, 50), 3);
    figure('raw_commit_p99_ms', percentile(commit, 99), 3);
    const latency = await watchLatencies(dir);
    figure('watch_watchers', watchers);
    figure('watch_events', latency.length);
    figure('watch_p50_ms', percentile(latency, 50), 3);
    const p99 = percentile(latency, 99);
    figure('watch_p99_ms', p99, 3);
    target('watch_p99_ms', p99 <= 10, '<=10');

    const range = await rangeTimes(dir);
    figure('range_keys', rangeKeys);
    figure('raw_range_ms', range.raw, 3);
    figure('store_range_ms', range.store, 3);
    figure('store_range_ratio', range.raw / range.store);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
