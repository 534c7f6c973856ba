/** The snapshot directory: listing its snapshots, and retention of the scheduled ones. */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createdSecondsOf, isSnapshotOf } from './naming.ts';
import type { SnapshotInfo } from './snapshot-file.ts';

/** The snapshots in `dir`, oldest first; hidden (partly written) files are left out; a missing directory has none. */
export function listSnapshots(dir: string): SnapshotInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: SnapshotInfo[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile()) continue;
    const seconds = createdSecondsOf(name);
    found.push({ name, path, sizeBytes: stat.size, createdAt: seconds === undefined ? stat.mtimeMs : seconds * 1000 });
  }
  return found.sort(byAge);
}

/**
 * Of `snapshots`, those named `name` on `nodeName` beyond the newest `keep`: what retention
 * deletes. Snapshots of other names (taken on demand) and of other nodes are never chosen.
 */
export function expiredSnapshots(snapshots: readonly SnapshotInfo[], name: string, nodeName: string, keep: number): SnapshotInfo[] {
  const mine = snapshots.filter((s) => isSnapshotOf(s.name, name, nodeName)).sort(byAge);
  return mine.slice(0, Math.max(0, mine.length - keep));
}

/** Deletes the snapshots retention selects in `dir` (see expiredSnapshots); returns them. */
export function pruneSnapshots(dir: string, name: string, nodeName: string, keep: number): SnapshotInfo[] {
  const expired = expiredSnapshots(listSnapshots(dir), name, nodeName, keep);
  for (const snapshot of expired) rmSync(snapshot.path, { force: true });
  return expired;
}

function byAge(a: SnapshotInfo, b: SnapshotInfo): number {
  return a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
