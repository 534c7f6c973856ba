/**
 * Durability under SIGKILL: a child process writes continuously and prints each
 * acknowledged write; it is killed at a random moment, 20 times over the same file.
 * After each kill the file is reopened: every acknowledged write is there, revisions
 * are contiguous, and SQLite's integrity check passes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MvccStore } from '../internal/datastore/mvcc/store.ts';
import { openSqlite } from '../internal/util/sqlite.ts';
import { tempDir } from './support/tmp.ts';
import { mulberry32 } from '../internal/util/seeded-random.ts';

const writerScript = fileURLToPath(new URL('./support/crash-writer.ts', import.meta.url));
const cycles = Number(process.env.SKIFF_CRASH_CYCLES ?? '20');

/** Seeded so that a failing run can be repeated with SKIFF_CRASH_SEED. */
const random = mulberry32;

interface Acked {
  creates: Map<string, number>;
  updates: Map<string, number>;
}

/** Runs the writer until it has acknowledged some writes, then SIGKILLs it after `delayMs`. */
function runAndKill(file: string, label: string, delayMs: number): Promise<Acked> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerScript, file, label, '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: Acked = { creates: new Map(), updates: new Map() };
    let buffered = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | null = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, key, revision] = line.split(' ');
        if (kind === 'ready' && killTimer === null) {
          killTimer = setTimeout(() => child.kill('SIGKILL'), delayMs);
        } else if (kind === 'create' && key !== undefined) {
          acked.creates.set(key, Number(revision));
        } else if (kind === 'update' && key !== undefined) {
          acked.updates.set(key, Number(revision));
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal} before it was killed: ${stderr}`));
      else resolve(acked);
    });
  });
}

it('every acknowledged write survives SIGKILL at random moments, 20 times over', async (t) => {
  const seed = Number(process.env.SKIFF_CRASH_SEED ?? Date.now() % 1_000_000);
  t.diagnostic(`seed ${seed} (repeat with SKIFF_CRASH_SEED=${seed})`);
  const next = random(seed);
  const file = join(tempDir(t), 'state.db');
  let total = 0;
  let lastHead = 0;
  for (let cycle = 0; cycle < cycles; cycle++) {
    const delay = 50 + Math.floor(next() * 400);
    const acked = await runAndKill(file, `c${cycle}`, delay);
    assert.ok(acked.creates.size > 0, `cycle ${cycle}: the writer acknowledged nothing in ${delay} ms`);
    total += acked.creates.size + acked.updates.size;

    // Plain SQLite first: the file as the killed process left it.
    const db = openSqlite(file);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `cycle ${cycle}: integrity_check`);
    const span = db.prepare('SELECT count(*) AS n, min(revision) AS lo, max(revision) AS hi FROM kv').get() as { n: number; lo: number; hi: number };
    assert.equal(span.lo, 1, `cycle ${cycle}: revisions start at 1`);
    assert.equal(span.n, span.hi, `cycle ${cycle}: revisions 1..${span.hi} contiguous, found ${span.n} rows`);
    assert.ok(span.hi >= lastHead, `cycle ${cycle}: head went back from ${lastHead} to ${span.hi}`);
    lastHead = span.hi;
    db.close();

    const store = MvccStore.open({ file, compactIntervalMs: 0, fullCheck: true });
    try {
      for (const [key, revision] of acked.creates) {
        const { kv } = await store.get(key);
        assert.ok(kv, `cycle ${cycle}: acknowledged create of ${key} at ${revision} is missing`);
        assert.equal(kv.modRevision, revision, `cycle ${cycle}: ${key}`);
      }
      for (const [key, revision] of acked.updates) {
        const { kv } = await store.get(key);
        assert.ok(kv && kv.modRevision >= revision, `cycle ${cycle}: acknowledged update of ${key} at ${revision} is missing (found ${kv?.modRevision})`);
      }
    } finally {
      await store.close();
    }
  }
  t.diagnostic(`${cycles} kills, ${total} acknowledged writes checked, final revision ${lastHead}`);
});
