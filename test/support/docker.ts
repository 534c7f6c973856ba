/**
 * A real Docker daemon and a local busybox image for tests. The daemon is started once (if no
 * socket answers) and left running for later tests and runs; the image is built from the
 * host's static busybox, so no registry is ever needed.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import { eventually } from './poll.ts';

const socketPath = '/var/run/docker.sock';
const dockerdLog = '/tmp/skiff-dockerd.log';
const busyboxPath = '/bin/busybox';
/** Tag of the image testImage() builds. */
export const testImageRef = 'skiff-test/busybox:1';

/** Applets linked into /bin of the test image (busybox's wget is unreliable there: do not add it). */
const applets = [
  'sh', 'sleep', 'cat', 'echo', 'ls', 'nc', 'httpd', 'env', 'id', 'true', 'false', 'kill', 'ps',
  'grep', 'date', 'hostname', 'touch', 'mkdir', 'rm', 'test', '[', 'head', 'tail', 'tr', 'wc',
  'seq', 'printf', 'pwd', 'ip', 'uname', 'whoami', 'yes', 'dd', 'stat', 'sed', 'cut', 'nslookup',
];

/** Starts (or finds) the shared Docker daemon and resolves once it answers a ping. */
export async function ensureDocker(): Promise<{ socketPath: string }> {
  if (await answers(socketPath)) return { socketPath };
  await withLock('/tmp/skiff-dockerd.lock', async () => {
    if (await answers(socketPath)) return;
    if (!daemonAlive()) startDockerd();
    try {
      await eventually('dockerd to answer on ' + socketPath, () => answers(socketPath), 30_000, 200);
    } catch (error) {
      throw new Error(`${(error as Error).message}; last lines of ${dockerdLog}:\n${logTail()}`);
    }
  });
  return { socketPath };
}

/** Ensures the local image `skiff-test/busybox:1` exists and returns its reference. */
export async function testImage(): Promise<string> {
  const { socketPath: socket } = await ensureDocker();
  const docker = new Docker({ socketPath: socket });
  if (await imageExists(docker)) return testImageRef;
  await withLock('/tmp/skiff-test-image.lock', async () => {
    if (await imageExists(docker)) return;
    const [repo, tag] = testImageRef.split(':');
    const progress = await docker.importImage(await rootfsTar(), {
      repo, tag, changes: ['CMD ["/bin/sh"]'],
    });
    const text = (await progress.toArray()).map(String).join('');
    const failure = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { error?: string })
      .find((event) => event.error);
    if (failure) throw new Error(`Cannot import ${testImageRef}: ${failure.error}`);
  });
  return testImageRef;
}

async function imageExists(docker: Docker): Promise<boolean> {
  try {
    await docker.getImage(testImageRef).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/** A single-layer root filesystem: busybox, its applet links, /tmp and minimal user files. */
async function rootfsTar(): Promise<Buffer> {
  if (!existsSync(busyboxPath)) {
    throw new Error(`Cannot build ${testImageRef}: ${busyboxPath} is missing; install busybox-static (build/setup.sh)`);
  }
  const tar = pack();
  const dir = (name: string, mode = 0o755) => tar.entry({ name, type: 'directory', mode });
  dir('bin');
  dir('etc');
  dir('tmp', 0o1777);
  dir('root', 0o700);
  tar.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync(busyboxPath));
  for (const applet of applets) tar.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
  tar.entry({ name: 'etc/passwd', mode: 0o644 },
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  tar.entry({ name: 'etc/group', mode: 0o644 }, 'root:x:0:\nnobody:x:65534:\n');
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function answers(socket: string): Promise<boolean> {
  if (!existsSync(socket)) return false;
  try {
    await new Docker({ socketPath: socket, timeout: 2_000 }).ping();
    return true;
  } catch {
    return false;
  }
}

function daemonAlive(): boolean {
  try {
    return pidAlive(Number(readFileSync('/var/run/docker.pid', 'utf8').trim()));
  } catch {
    return false;
  }
}

function startDockerd(): void {
  const binary = existsSync('/usr/sbin/dockerd') ? '/usr/sbin/dockerd' : 'dockerd';
  const log = openSync(dockerdLog, 'a');
  // Detached in its own session so the daemon outlives this test process and serves later runs.
  const child = spawn(binary, ['--host', `unix://${socketPath}`], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, PATH: `/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ''}` },
  });
  child.on('error', (error) => writeSync(log, `cannot start ${binary}: ${error.message}\n`));
  child.unref();
  closeSync(log);
}

function logTail(): string {
  try {
    return readFileSync(dockerdLog, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Whether a process with this id exists (EPERM: it does, only another user's). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding an exclusive lock file shared by all test processes on this machine. A lock
 * whose owner died, or that is older than two minutes, is stale and taken over.
 */
async function withLock(path: string, fn: () => Promise<void>): Promise<void> {
  await eventually(`the lock ${path}`, () => {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockIsStale(path)) unlinkSync(path);
      return false;
    }
  }, 90_000, 100);
  try {
    await fn();
  } finally {
    unlinkSync(path);
  }
}

function lockIsStale(path: string): boolean {
  try {
    const owner = Number(readFileSync(path, 'utf8'));
    // An empty file is a lock being written right now, unless it has been empty for long.
    const old = Date.now() - statSync(path).mtimeMs > 120_000;
    return old || (owner > 0 && !pidAlive(owner));
  } catch {
    return false;
  }
}
