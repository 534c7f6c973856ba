/**
 * What `skiff snapshot save|ls|restore` do. `save` asks the running server, which alone may
 * read its datastore while it runs; with no server running it copies the datastore file
 * itself. `ls` and `restore` work on files and need no server (restore needs it stopped).
 */
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ApiClient, ApiStatusError, KubeconfigError, loadKubeconfig } from '../../client/index.ts';
import { DataFileError } from '../../datastore/errors.ts';
import { RevLog } from '../../datastore/revlog/revlog.ts';
import { alignCells } from '../../kubectl/table.ts';
import { adminKubeconfigPath } from '../../server/run.ts';
import { datastoreFile, defaultSnapshotDir, isDatastoreLocked } from '../../server/snapshots/datastore-file.ts';
import { SnapshotError } from '../../server/snapshots/errors.ts';
import { snapshotFileName } from '../../server/snapshots/naming.ts';
import { restoreSnapshot } from '../../server/snapshots/restore.ts';
import { listSnapshots } from '../../server/snapshots/snapshot-dir.ts';
import { writeSnapshotFile } from '../../server/snapshots/snapshot-file.ts';
import { snapshotsPath, type SnapshotRecord } from '../../server/snapshots/snapshot-route.ts';
import type { CliIo, Invocation } from '../command.ts';
import { defaultDataDir } from './common-flags.ts';
import type { snapshotFlags, snapshotRestoreFlags, snapshotSaveFlags } from './snapshot.ts';

/** Exit code of a snapshot command that failed for a reason its one-line message explains. */
const exitFailed = 1;

const serverKubeconfig = '/etc/skiff/skiff.yaml';

export async function saveSnapshotAction({ settings, io }: Invocation<typeof snapshotSaveFlags>): Promise<number> {
  return reported(io, async () => {
    const dataDir = settings['data-dir'];
    const kubeconfig = settings.kubeconfig !== '' ? settings.kubeconfig : defaultKubeconfig(dataDir);
    if (kubeconfig !== undefined && !existsSync(kubeconfig)) {
      throw new SnapshotError('NotFound', `Cannot reach the server through --kubeconfig ${kubeconfig} as it does not exist: pass the kubeconfig 'skiff server' wrote (--write-kubeconfig)`);
    }
    let server = 'no server';
    if (kubeconfig !== undefined) {
      const config = loadKubeconfig({ path: kubeconfig });
      server = config.server;
      const saved = await saveThroughServer(new ApiClient({ ...config, userAgent: 'skiff-snapshot' }), settings.name);
      if (saved !== null) {
        io.stdout(`saved snapshot ${saved.path} (${formatBytes(saved.sizeBytes)}, revision ${saved.revision ?? '?'})\n`);
        return 0;
      }
    }
    const file = datastoreFile(dataDir);
    if (!existsSync(file) || statSync(file).size === 0) {
      throw new SnapshotError('NotFound', `Cannot save a snapshot as no server answers (${server}) and there is no datastore at ${file}: run this on a server machine, or pass its --data-dir`);
    }
    if (isDatastoreLocked(file)) {
      throw new SnapshotError('InUse', `Cannot save a snapshot as a running skiff holds ${file} but does not answer at ${server}: pass the admin --kubeconfig of that server, or retry once it has started`);
    }
    const log = RevLog.open(file);
    try {
      const now = Date.now();
      const name = snapshotFileName(settings.name, settings['node-name'] || hostname(), Math.floor(now / 1000));
      const saved = await writeSnapshotFile(log, snapshotDir(settings), name, now);
      io.stdout(`skiff server is not running: copied ${file} directly (offline)\n`);
      io.stdout(`saved snapshot ${saved.path} (${formatBytes(saved.sizeBytes)}, revision ${saved.revision})\n`);
      return 0;
    } finally {
      log.close();
    }
  });
}

export async function listSnapshotsAction({ settings, io }: Invocation<typeof snapshotFlags>): Promise<number> {
  return reported(io, async () => {
    const dir = snapshotDir(settings);
    const snapshots = listSnapshots(dir);
    if (snapshots.length === 0) {
      io.stdout(`no snapshots in ${dir}\n`);
      return 0;
    }
    const rows = [['NAME', 'SIZE', 'CREATED'], ...snapshots.map((s) => [s.name, formatBytes(s.sizeBytes), new Date(s.createdAt).toISOString().replace(/\.\d+Z$/, 'Z')])];
    io.stdout(alignCells(rows));
    return 0;
  });
}

export async function restoreSnapshotAction({ settings, args, io }: Invocation<typeof snapshotRestoreFlags>): Promise<number> {
  return reported(io, async () => {
    const given = args[0] ?? '';
    const dir = snapshotDir(settings);
    const source = existsSync(given) || given.includes('/') ? given : join(dir, given);
    if (!existsSync(source)) {
      throw new SnapshotError('NotFound', `Cannot restore from ${given} as no such file exists (nor in ${dir}); 'skiff snapshot ls' lists the snapshots`);
    }
    const target = datastoreFile(settings['data-dir']);
    const result = restoreSnapshot({ source, target, now: Date.now(), nodeName: settings['node-name'] || hostname() });
    if (result.movedAside !== null) {
      const sidecars = result.movedSidecars.length === 0 ? '' : ` (with ${result.movedSidecars.map((f) => f.slice(result.movedAside?.length)).join(', ')})`;
      io.stdout(`moved the previous datastore aside to ${result.movedAside}${sidecars}\n`);
    }
    io.stdout(`restored ${target} from ${source}: ${result.keys} keys at revision ${result.revision}\n`);
    io.stdout(`the cluster is reset to one member, this server: start it with 'skiff server'; other servers must join again\n`);
    return 0;
  });
}

/**
 * Posts the snapshot request; null when nothing listens at the server's address (it is
 * stopped), so the caller may copy the file itself. Any other failure is an error.
 */
async function saveThroughServer(api: ApiClient, name: string): Promise<SnapshotRecord | null> {
  try {
    return await api.request<SnapshotRecord>('POST', snapshotsPath, { query: { name } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return null;
    if (error instanceof ApiStatusError) {
      throw new SnapshotError('Unreachable', `Cannot save a snapshot: the server at ${api.config.server} answered ${error.code} ${error.reason}: ${error.message}`);
    }
    throw new SnapshotError('Unreachable', `Cannot save a snapshot through the server at ${api.config.server}: ${(error as Error).message}; check --kubeconfig`);
  } finally {
    api.close();
  }
}

/** The data directory's copy of the admin kubeconfig; /etc/skiff/skiff.yaml only for the default data directory. */
function defaultKubeconfig(dataDir: string): string | undefined {
  const own = adminKubeconfigPath(dataDir);
  if (existsSync(own)) return own;
  return dataDir === defaultDataDir && existsSync(serverKubeconfig) ? serverKubeconfig : undefined;
}

function snapshotDir(settings: { readonly 'snapshot-dir': string; readonly 'data-dir': string }): string {
  return settings['snapshot-dir'] || defaultSnapshotDir(settings['data-dir']);
}

/** Runs `action`, turning the failures a user can fix into one line on stderr. */
async function reported(io: CliIo, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    // System errors (permissions, a full disk) carry the path in their message already.
    const system = typeof (error as NodeJS.ErrnoException).syscall === 'string';
    const known = error instanceof SnapshotError || error instanceof DataFileError || error instanceof KubeconfigError || system;
    if (!known || !(error instanceof Error)) throw error;
    const denied = system && ['EACCES', 'EPERM'].includes(String((error as NodeJS.ErrnoException).code));
    io.stderr(`skiff: ${error.message}${denied ? '; run it as root (sudo) or as the user skiff server runs as' : ''}\n`);
    return exitFailed;
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
