import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../test/support/tmp.ts';
import { main } from '../main.ts';

/** Runs `skiff snapshot …` in-process against the data directory `dataDir`. */
async function snapshot(dataDir: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['snapshot', ...args, '--data-dir', dataDir], {
    env: {},
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    defaultConfigPath: join(dataDir, 'absent-config.yaml'),
  });
  return { code, stdout, stderr };
}

const oneLine = (text: string): boolean => text.endsWith('\n') && text.split('\n').length === 2;

describe('skiff snapshot commands', () => {
  it('ls says the directory has no snapshots yet, with the server stopped', async (t) => {
    const dir = tempDir(t);
    const result = await snapshot(dir, 'ls');
    assert.deepEqual(result, { code: 0, stdout: `no snapshots in ${join(dir, 'server', 'db', 'snapshots')}\n`, stderr: '' });
  });

  it('ls reads --snapshot-dir', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'before-upgrade-pi-01-1712345678'), 'x'.repeat(2048));
    const result = await snapshot(tempDir(t), 'ls', '--snapshot-dir', dir);
    assert.equal(result.stdout, 'NAME                              SIZE      CREATED\nbefore-upgrade-pi-01-1712345678   2.0 KiB   2024-04-05T19:34:38Z\n');
  });

  it('save without a server or a datastore fails with one line naming the data directory', async (t) => {
    const dir = tempDir(t);
    const result = await snapshot(dir, 'save');
    assert.equal(result.code, 1);
    assert.ok(oneLine(result.stderr), result.stderr);
    assert.match(result.stderr, /^skiff: Cannot save a snapshot as no server answers .* no datastore at \S+state\.db: run this on a server machine, or pass its --data-dir/);
  });

  it('save refuses a name that could leave the snapshot directory as a usage error', async (t) => {
    const result = await snapshot(tempDir(t), 'save', '--name', '../escape');
    assert.equal(result.code, 2);
    assert.ok(oneLine(result.stderr), result.stderr);
    assert.match(result.stderr, /--name.*want a name/);
  });

  it('save names a --kubeconfig that does not exist', async (t) => {
    const result = await snapshot(tempDir(t), 'save', '--kubeconfig', '/nonexistent/admin.yaml');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^skiff: Cannot reach the server through --kubeconfig \/nonexistent\/admin\.yaml as it does not exist/);
  });

  it('restore of a snapshot that is neither a path nor in the snapshot directory points to ls', async (t) => {
    const result = await snapshot(tempDir(t), 'restore', 'nope-1712345678');
    assert.equal(result.code, 1);
    assert.ok(oneLine(result.stderr), result.stderr);
    assert.match(result.stderr, /Cannot restore from nope-1712345678 as no such file exists \(nor in \S+\); 'skiff snapshot ls' lists the snapshots/);
  });

  it('server rejects a schedule that is not cron as a usage error', async (t) => {
    let stderr = '';
    const code = await main(['server', '--snapshot-schedule-cron', '99 * * * *', '--data-dir', tempDir(t)], {
      env: {},
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      defaultConfigPath: '/nonexistent/config.yaml',
    });
    assert.equal(code, 2);
    assert.match(stderr, /--snapshot-schedule-cron.*want a cron schedule such as "0 \*\/12 \* \* \*"/);
  });
});
