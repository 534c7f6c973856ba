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
  let image = '';
  before(async () => {
    const { socketPath } = await ensureDocker();
    image = await testImage();
    await pipeline(await fetchSave(socketPath, image), createWriteStream(archive));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const skiff = (...args: string[]) => {
    const result = spawnSync(skiffBinary(), ['image', ...args, '--config', join(dir, 'none.yaml')], { encoding: 'utf8', env: { ...process.env, HOME: dir } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  writeFileSync(join(dir, 'none.yaml'), '');

  it('import shows what a docker save tarball holds and loads it; ls lists it', () => {
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

  it('the agent loads every tarball in its images directory at start and skips a bad one', async () => {
    const images = join(dir, 'agent-images');
    mkdirSync(images);
    copyFileSync(archive, join(images, 'a.tar'));
    writeFileSync(join(images, 'b.tar'), 'broken');
    writeFileSync(join(images, 'notes.txt'), 'ignored');
    const lines: string[] = [];
    const loaded = await importImageDirectory(new DockerRuntime({ pauseImage: localPauseImage }), images, createLogger('info', (line) => lines.push(line)));
    assert.deepEqual(loaded, [image]);
    assert.ok(lines.some((l) => /WARN  image import failed file=b\.tar/.test(l)), lines.join(''));
  });
});

/** GET /images/{name}/get from the Docker API: the `docker save` tarball. */
async function fetchSave(socketPath: string, image: string): Promise<NodeJS.ReadableStream> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request({ socketPath, path: `/images/${encodeURIComponent(image)}/get`, method: 'GET' }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`docker save answered ${res.statusCode}`));
      else resolve(res);
    }).on('error', reject).end();
  });
}
