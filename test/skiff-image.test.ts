/** `skiff image import|ls` against the machine's Docker, with dist/skiff. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { importImageDirectory } from '../internal/agent/image-directory.ts';
import { localPauseImage } from '../internal/agent/pause-image.ts';
import { DockerRuntime } from '../internal/agent/runtime/docker.ts';
import { createLogger } from '../internal/util/log.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, testImage } from './support/docker.ts';
import { skiffBinary } from './support/skiff-server.ts';

describe('skiff image', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-image-'));
  const archive = join(dir, 'busybox.tar');
  // A tag of its own, absent from Docker until the import loads it back from the tarball.
  const repo = `skiff-test/import-${process.pid}-${Date.now()}`;
  const image = `${repo}:1`;
  let socket = '';
  before(async () => {
    const { socketPath } = await ensureDocker();
    socket = socketPath;
    drain(await dockerApi(socket, 'POST', `/images/${encodeURIComponent(await testImage())}/tag?repo=${encodeURIComponent(repo)}&tag=1`));
    await pipeline(await dockerApi(socket, 'GET', `/images/${encodeURIComponent(image)}/get`), createWriteStream(archive));
    drain(await dockerApi(socket, 'DELETE', `/images/${encodeURIComponent(image)}`));
  });
  after(async () => {
    await dockerApi(socket, 'DELETE', `/images/${encodeURIComponent(image)}`).then(drain, () => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const skiff = (...args: string[]) => {
    const result = spawnSync(skiffBinary(), ['image', ...args, '--config', join(dir, 'none.yaml')], { encoding: 'utf8', env: { ...process.env, HOME: dir } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  writeFileSync(join(dir, 'none.yaml'), '');

  it('import shows what a docker save tarball holds and loads it; ls lists it', () => {
    assert.doesNotMatch(skiff('ls').stdout, new RegExp(repo), 'the image is not in Docker before the import');
    const imported = skiff('import', archive);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(`^\\[1/1\\] ${archive}: 1 image\\(s\\), [\\d.]+ MiB: ${image.replace(/[/.]/g, '\\$&')}\\n\\[1/1\\] loaded `));
    const listed = skiff('ls');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^IMAGE\s+ID\s+SIZE\n/);
    assert.match(listed.stdout, new RegExp(`\\n${image.replace(/[/.]/g, '\\$&')}\\s+[0-9a-f]{12}\\s+[\\d.]+ MiB\\n`));
  });

  it('a file that is not a docker save tarball is refused in one line', () => {
    const bogus = join(dir, 'bogus.tar');
    writeFileSync(bogus, 'not a tar at all'.repeat(100));
    const result = skiff('import', bogus);
    assert.equal(result.code, 78);
    assert.match(result.stderr, /^skiff: Cannot import .*bogus\.tar as (it is not a tar archive|it has no manifest\.json)/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });

  it('importing an images directory loads every tarball in it and skips a bad one', async () => {
    const images = join(dir, 'agent-images');
    mkdirSync(images);
    copyFileSync(archive, join(images, 'a.tar'));
    writeFileSync(join(images, 'b.tar'), 'broken');
    writeFileSync(join(images, 'notes.txt'), 'ignored');
    drain(await dockerApi(socket, 'DELETE', `/images/${encodeURIComponent(image)}`));
    const lines: string[] = [];
    const runtime = new DockerRuntime({ pauseImage: localPauseImage });
    const loaded = await importImageDirectory(runtime, images, createLogger('info', (line) => lines.push(line)));
    assert.deepEqual(loaded, [image]);
    assert.ok(lines.some((l) => /WARN  image import failed file=b\.tar/.test(l)), lines.join(''));
    // Next start: the image is there already, so the tarball is not loaded again.
    assert.deepEqual(await importImageDirectory(runtime, images, createLogger('error')), []);
  });
});

/** Reads an answer nobody needs to its end, so that its connection closes (it would hold the test process open). */
function drain(stream: NodeJS.ReadableStream): void {
  stream.resume();
}

/** One call to the Docker Engine API over its socket; resolves to the response stream on 2xx. */
async function dockerApi(socketPath: string, method: string, path: string): Promise<NodeJS.ReadableStream> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request({ socketPath, path, method }, (res) => {
      if ((res.statusCode ?? 0) >= 300) {
        res.resume();
        reject(new Error(`docker ${method} ${path} answered ${res.statusCode}`));
      } else resolve(res);
    }).on('error', reject).end();
  });
}
