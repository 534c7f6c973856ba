/**
 * Snapshot file names, as k3s names its etcd snapshots: `<name>-<node>-<unix-seconds>`.
 * The node and time in the name let several servers share one snapshot directory and
 * let retention find the scheduled snapshots of this node without reading the files.
 */
import { SnapshotError } from './errors.ts';

/** The name of a snapshot saved on demand without --name. */
export const defaultSnapshotName = 'skiff-snapshot';

/** The name of scheduled snapshots; retention deletes only these (of this node). */
export const scheduledSnapshotName = 'skiff-scheduled';

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
// Node names are DNS subdomains; anything else (a slash above all) must not reach a path.
const nodePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/** Undefined when `name` may start a snapshot file name, else what is wanted (a flag check). */
export function snapshotNameProblem(name: string): string | undefined {
  return namePattern.test(name) ? undefined : 'want a name of up to 100 letters, digits, ".", "_" and "-" that starts with a letter or digit, such as before-upgrade';
}

/** `<name>-<node>-<unix-seconds>`; throws SnapshotError (InvalidName) for a name that could escape the directory or is empty. */
export function snapshotFileName(name: string, nodeName: string, unixSeconds: number): string {
  const problem = snapshotNameProblem(name);
  if (problem !== undefined) throw new SnapshotError('InvalidName', `Cannot name a snapshot "${name}": ${problem}`);
  if (!nodePattern.test(nodeName)) throw new SnapshotError('InvalidName', `Cannot name a snapshot after node "${nodeName}": it is not a valid node name`);
  return `${name}-${nodeName}-${Math.floor(unixSeconds)}`;
}

/** The unix seconds at the end of a snapshot file name (ten digits: 2001 to 2286), or undefined when it has none. */
export function createdSecondsOf(fileName: string): number | undefined {
  const match = /-(\d{10})$/.exec(fileName);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Whether `fileName` is a snapshot named `name` taken on `nodeName` (by its name alone). */
export function isSnapshotOf(fileName: string, name: string, nodeName: string): boolean {
  const prefix = `${name}-${nodeName}-`;
  return fileName.startsWith(prefix) && /^\d+$/.test(fileName.slice(prefix.length));
}
