/**
 * The server's datastore snapshots: on demand (the admin endpoint) and on a cron
 * schedule with retention, as k3s does for etcd. Saves run one at a time, so a scheduled
 * save and one asked for never copy the datastore side by side.
 */
import type { Clock } from '../../client/clock.ts';
import type { Logger } from '../../util/log.ts';
import { defaultSnapshotName, scheduledSnapshotName, snapshotFileName } from './naming.ts';
import { listSnapshots, pruneSnapshots } from './snapshot-dir.ts';
import { writeSnapshotFile, type SavedSnapshot, type SnapshotInfo, type SnapshotSource } from './snapshot-file.ts';
import { runOnSchedule } from './schedule.ts';

export interface SnapshotServiceOptions {
  source: SnapshotSource;
  dir: string;
  nodeName: string;
  clock: Clock;
  log: Logger;
}

export interface ScheduleSettings {
  /** Cron expression; empty turns scheduled snapshots off. */
  cron: string;
  /** Scheduled snapshots of this node kept after each scheduled save (at least 1). */
  retention: number;
  /** Time zone of the cron expression; default the system's. */
  timeZone?: string;
}

export class SnapshotService {
  readonly dir: string;
  readonly #options: SnapshotServiceOptions;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: SnapshotServiceOptions) {
    this.#options = options;
    this.dir = options.dir;
  }

  /** Saves a snapshot named `<name>-<node>-<unix-seconds>`; waits for a save already running. */
  save(name: string = defaultSnapshotName): Promise<SavedSnapshot> {
    const run = this.#queue.then(() => {
      const now = this.#options.clock.now();
      const fileName = snapshotFileName(name, this.#options.nodeName, Math.floor(now / 1000));
      return writeSnapshotFile(this.#options.source, this.dir, fileName, now);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The snapshots in the directory, oldest first. */
  list(): SnapshotInfo[] {
    return listSnapshots(this.dir);
  }

  /** Runs scheduled saves, each followed by retention, until `signal` aborts; a failed run is logged and the next one still happens. */
  async runSchedule(settings: ScheduleSettings, signal: AbortSignal): Promise<void> {
    const { log, clock, nodeName } = this.#options;
    if (settings.cron.trim() === '') return;
    if (!Number.isSafeInteger(settings.retention) || settings.retention < 1) {
      throw new Error(`Cannot keep ${settings.retention} scheduled snapshots: want a whole number of at least 1`);
    }
    const task = async (): Promise<void> => {
      const saved = await this.save(scheduledSnapshotName);
      log.info('snapshot saved', { path: saved.path, bytes: saved.sizeBytes, revision: saved.revision });
      for (const old of pruneSnapshots(this.dir, scheduledSnapshotName, nodeName, settings.retention)) {
        log.info('snapshot removed by retention', { path: old.path, retention: settings.retention });
      }
    };
    await runOnSchedule(task, {
      expression: settings.cron,
      clock,
      signal,
      ...(settings.timeZone === undefined ? {} : { timeZone: settings.timeZone }),
      onError: (error) => log.error('scheduled snapshot failed; the next one runs on schedule', { error }),
    });
  }
}
