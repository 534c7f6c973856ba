/** `skiff snapshot save|ls|restore` and scheduled snapshots, against dist/skiff and a real data directory. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiClient, ApiStatusError, loadKubeconfig } from '../internal/client/index.ts';
import type { KubeObject } from '../internal/apiserver/objects.ts';
import { eventually } from './support/poll.ts';
import { adminCredentials, skiffBinary, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

function snapshotCommand(server: SkiffServer, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(skiffBinary(), ['snapshot', ...args, '--data-dir', join(server.dir, 'data'), '--config', join(server.dir, 'config.yaml')], {
    encoding: 'utf8',
    env: { ...process.env, HOME: server.dir, SKIFF_CACHE_DIR: join(server.dir, 'cache') },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function api(server: SkiffServer): ApiClient {
  return new ApiClient(loadKubeconfig({ path: server.kubeconfig }));
}

/** Names, data and resourceVersions of the ConfigMaps in `namespace`, and the Namespace's own resourceVersion. */
async function state(client: ApiClient, namespace: string): Promise<{ namespace: string | undefined; configMaps: Array<[string, Record<string, string> | undefined, string]> }> {
  const ns = await client.resource('Namespace').get(null, namespace).catch((error: unknown) => {
    if (error instanceof ApiStatusError && error.code === 404) return undefined;
    throw error;
  });
  const list = await client.resource<ConfigMap>('ConfigMap').list(namespace);
  return {
    namespace: ns?.metadata.resourceVersion,
    configMaps: list.items.map((cm) => [cm.metadata.name ?? '', cm.data, cm.metadata.resourceVersion ?? '']),
  };
}

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('skiff snapshot', () => {
  it('a saved snapshot restored on the stopped server brings back exactly the saved objects', async (t) => {
    const server = await startSkiffServer(t, ['--snapshot-schedule-cron', '']);
    const client = api(server);
    t.after(() => client.close());
    await client.resource('Namespace').create(null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'snap' } });
    const configMaps = client.resource<ConfigMap>('ConfigMap');
    for (const name of ['alpha', 'beta']) {
      await configMaps.create('snap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'snap' }, data: { name, size: String(name.length) } });
    }
    const saved = await state(client, 'snap');
    assert.equal(saved.configMaps.filter(([name]) => name === 'alpha' || name === 'beta').length, 2);

    const save = snapshotCommand(server, 'save', '--name', 'e2e');
    assert.equal(save.code, 0, save.stderr);
    const match = /^saved snapshot (\S+) \(\d+\.\d KiB, revision (\d+)\)\n$/.exec(save.stdout);
    assert.ok(match?.[1] !== undefined, save.stdout);
    const file = match[1];
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(file, /\/server\/db\/snapshots\/e2e-[^/]+-\d{10}$/);

    // Change everything the snapshot holds: an update, a delete, a create, a new namespace.
    const alpha = await configMaps.get('snap', 'alpha');
    await configMaps.update('snap', { ...alpha, data: { name: 'changed' } });
    await configMaps.delete('snap', 'beta');
    await configMaps.create('snap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gamma', namespace: 'snap' }, data: { late: 'yes' } });
    await client.resource('Namespace').create(null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'after-snapshot' } });
    assert.notDeepEqual(await state(client, 'snap'), saved);

    const listed = snapshotCommand(server, 'ls');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^NAME\s+SIZE\s+CREATED\n/);
    assert.match(listed.stdout, new RegExp(`\\n${file.split('/').at(-1)}\\s+\\d+\\.\\d KiB\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n`));

    const db = join(server.dir, 'data', 'server', 'db');
    const whileRunning = snapshotCommand(server, 'restore', file);
    assert.equal(whileRunning.code, 1);
    assert.match(whileRunning.stderr, /^skiff: Cannot restore while skiff server is running on \S+state\.db: stop it first.*\n$/);
    assert.deepEqual(readdirSync(db).filter((f) => f.includes('before-restore')), []);

    client.close();
    await server.stop();

    const notSkiff = join(server.dir, 'notes.db');
    writeFileSync(notSkiff, 'these are not the rows you are looking for\n'.repeat(100));
    const before = sha(join(db, 'state.db'));
    const refused = snapshotCommand(server, 'restore', notSkiff);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^skiff: Cannot restore from \S+notes\.db as it is not a SQLite database, so not a skiff snapshot\n$/);
    assert.equal(sha(join(db, 'state.db')), before);
    assert.deepEqual(readdirSync(db).filter((f) => f.includes('before-restore') || f.startsWith('.')), []);

    const restored = snapshotCommand(server, 'restore', file.split('/').at(-1) ?? '');
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /^moved the previous datastore aside to \S+\/state\.db\.before-restore-\d{10}\n/);
    assert.match(restored.stdout, new RegExp(`\\nrestored \\S+/state\\.db from ${file}: \\d+ keys at revision ${match[2]}\\n`));
    assert.match(restored.stdout, /one member/);
    const aside = readdirSync(db).find((f) => /^state\.db\.before-restore-\d{10}$/.test(f));
    assert.ok(aside !== undefined);
    assert.equal(sha(join(db, aside)), before, 'the replaced datastore is kept as it was');

    const again = await startSkiffServer(t, ['--snapshot-schedule-cron', ''], undefined, { dir: server.dir, port: server.port });
    const after = api(again);
    t.after(() => after.close());
    assert.deepEqual(await state(after, 'snap'), saved);
    assert.equal((await state(after, 'after-snapshot')).namespace, undefined);
  });

  it('only system:masters may ask the server for a snapshot; with the server stopped, save copies the file itself', async (t) => {
    const server = await startSkiffServer(t, ['--snapshot-schedule-cron', ''], (dataDir) => {
      mkdirSync(join(dataDir, 'server'), { recursive: true, mode: 0o700 });
      writeFileSync(join(dataDir, 'server', 'tokens.csv'), `bob-token,bob,uid-bob,"developers"\nnode-token,system:node:pi-09,uid-pi,"system:nodes"\n`, { mode: 0o600 });
    });
    const { ca } = adminCredentials(server.kubeconfig);
    for (const [token, user] of [['bob-token', 'bob'], ['node-token', 'system:node:pi-09']]) {
      const client = new ApiClient({ server: server.url, ca, token });
      try {
        for (const method of ['POST', 'GET']) {
          await assert.rejects(client.request(method, '/skiff/v1/snapshots'), (error: unknown) => {
            assert.ok(error instanceof ApiStatusError, String(error));
            assert.equal(error.code, 403, `${method} as ${user}`);
            assert.equal(error.status.kind, 'Status');
            assert.equal(error.reason, 'Forbidden');
            assert.match(error.message, new RegExp(`User "${user}" cannot`));
            return true;
          });
        }
      } finally {
        client.close();
      }
    }
    assert.deepEqual(readdirSync(join(server.dir, 'data', 'server', 'db')).filter((f) => f === 'snapshots'), [], 'nothing was saved');

    await server.stop();
    const save = snapshotCommand(server, 'save');
    assert.equal(save.code, 0, save.stderr);
    assert.match(save.stdout, /^skiff server is not running: copied \S+\/state\.db directly \(offline\)\nsaved snapshot \S+\/skiff-snapshot-\S+-\d{10} \(/);
  });

  it('the server saves snapshots on its schedule and keeps only the newest it was told to', async (t) => {
    const server = await startSkiffServer(t, ['--snapshot-schedule-cron', '* * * * * *', '--snapshot-retention', '2']);
    const manual = snapshotCommand(server, 'save', '--name', 'keep-me');
    assert.equal(manual.code, 0, manual.stderr);
    const dir = join(server.dir, 'data', 'server', 'db', 'snapshots');
    await eventually('three scheduled snapshots and retention to have run', () => {
      const saves = server.log().match(/snapshot saved/g)?.length ?? 0;
      const removed = server.log().match(/snapshot removed by retention/g)?.length ?? 0;
      return saves >= 3 && removed >= 1;
    }, 20_000);
    await server.stop();
    const files = readdirSync(dir);
    assert.equal(files.filter((f) => f.startsWith('skiff-scheduled-')).length, 2, files.join(' '));
    assert.equal(files.filter((f) => f.startsWith('keep-me-')).length, 1, files.join(' '));
    assert.deepEqual(files.filter((f) => f.startsWith('.')), [], 'no partly written snapshot is left');
  });
});
