/**
 * tmpfs mounts on the host for volumes whose files must never reach the disk (Secrets,
 * projected volumes, emptyDir with medium Memory), as the kubelet makes them. The agent runs
 * as root in the host's mount namespace, so a tmpfs it mounts at a volume's directory is what
 * Docker bind-mounts into the pod's containers.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TmpfsOptions {
  /** Permissions of the tmpfs root. */
  mode: number;
  /** Most bytes the tmpfs may hold; the kernel's default (half the memory) when absent. */
  sizeBytes?: number;
}

/** Mounts and unmounts the volumes kept in memory. */
export interface Mounter {
  /** Mounts a tmpfs at the existing directory `dir` unless one is mounted there already. */
  ensureTmpfs(dir: string, options: TmpfsOptions): Promise<void>;
  /** Unmounts every mount at or below `dir`, deepest first; throws when one stays mounted. */
  unmountBelow(dir: string): Promise<void>;
}

/** One line of /proc/self/mountinfo, as far as unmounting needs it. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
}

/** Parses /proc/self/mountinfo text (proc(5)); octal escapes in paths are decoded. */
export function parseMountInfo(text: string): MountEntry[] {
  return text.split('\n').flatMap((line) => {
    const fields = line.split(' ');
    const separator = fields.indexOf('-');
    const mountPoint = fields[4];
    const fsType = fields[separator + 1];
    if (separator < 0 || mountPoint === undefined || fsType === undefined) return [];
    return [{ mountPoint: unescapeOctal(mountPoint), fsType }];
  });
}

function unescapeOctal(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Mount points at or below `dir`, deepest first. */
export function mountsBelow(dir: string, entries: MountEntry[]): string[] {
  const root = canonical(dir);
  return [...new Set(entries.map((e) => e.mountPoint).filter((m) => m === root || m.startsWith(`${root}/`)))]
    .sort((a, b) => b.length - a.length);
}

function canonical(dir: string): string {
  return existsSync(dir) ? realpathSync(dir) : dir;
}

/** mount(8) and umount(8) on the host; remembers what it mounted so a resync costs no lookup. */
export class HostMounter implements Mounter {
  readonly #mounted = new Set<string>();
  readonly #mountInfo: () => string;

  /** `mountInfo` reads the mount table; /proc/self/mountinfo unless a test gives another. */
  constructor(mountInfo: () => string = () => readFileSync('/proc/self/mountinfo', 'utf8')) {
    this.#mountInfo = mountInfo;
  }

  async ensureTmpfs(dir: string, options: TmpfsOptions): Promise<void> {
    const path = canonical(dir);
    if (this.#mounted.has(path)) return;
    // After an agent restart the tmpfs of a running pod is still there: reuse it, files and all.
    if (parseMountInfo(this.#mountInfo()).some((e) => e.mountPoint === path && e.fsType === 'tmpfs')) {
      this.#mounted.add(path);
      return;
    }
    const settings = [`mode=${options.mode.toString(8).padStart(4, '0')}`];
    if (options.sizeBytes !== undefined) settings.push(`size=${Math.max(4096, Math.ceil(options.sizeBytes))}`);
    try {
      await run('mount', ['-t', 'tmpfs', '-o', settings.join(','), 'tmpfs', path]);
    } catch (error) {
      throw new Error(`Cannot mount a tmpfs (${settings.join(',')}) at ${path}: ${commandError(error)}`, { cause: error });
    }
    this.#mounted.add(path);
  }

  async unmountBelow(dir: string): Promise<void> {
    // Mounts stacked on one point come off one per round.
    for (let round = 0; ; round++) {
      const points = mountsBelow(dir, parseMountInfo(this.#mountInfo()));
      if (points.length === 0) break;
      if (round === 8) throw new Error(`Cannot unmount ${points.join(', ')}: still mounted after ${round} rounds of umount`);
      for (const point of points) {
        try {
          await run('umount', [point]);
        } catch (error) {
          throw new Error(`Cannot unmount ${point}: ${commandError(error)}`, { cause: error });
        }
      }
    }
    const root = canonical(dir);
    for (const path of this.#mounted) if (path === root || path.startsWith(`${root}/`)) this.#mounted.delete(path);
  }
}

function commandError(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  return (e.stderr?.trim() || e.message || String(error)).replace(/\s+/g, ' ');
}
