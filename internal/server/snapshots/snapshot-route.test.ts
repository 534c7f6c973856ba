import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Context } from 'hono';
import type { Identity } from '../../apiserver/app.ts';
import { SnapshotError } from './errors.ts';
import type { SavedSnapshot } from './snapshot-file.ts';
import { snapshotRoutes, snapshotsPath } from './snapshot-route.ts';

/** Identities by bearer token, standing in for the API server's certificate and token authentication. */
const people: Record<string, Identity> = {
  admin: { user: 'system:admin', groups: ['system:masters', 'system:authenticated'] },
  node: { user: 'system:node:pi-01', groups: ['system:nodes', 'system:authenticated'] },
  dev: { user: 'dev', groups: ['system:authenticated'] },
};
const authenticate = (c: Context): Identity | null => people[(c.req.header('authorization') ?? '').replace('Bearer ', '')] ?? null;

function routes(save: (name: string) => Promise<SavedSnapshot> = async (name) => ({ name: `${name}-pi-01-1712345678`, path: `/snap/${name}-pi-01-1712345678`, sizeBytes: 4096, createdAt: 1_712_345_678_000, revision: 42 })) {
  const calls: string[] = [];
  const app = snapshotRoutes({ save: (name) => (calls.push(name), save(name)), list: () => [{ name: 'a-pi-01-1712345678', path: '/snap/a-pi-01-1712345678', sizeBytes: 10, createdAt: 1_712_345_678_000 }] }, authenticate);
  const call = (method: string, path: string, who?: string) => app.request(path, { method, headers: who === undefined ? {} : { authorization: `Bearer ${who}` } });
  return { calls, call };
}

describe('snapshot endpoint', () => {
  it('saves a snapshot for a member of system:masters and answers 201 with its path, size and revision', async () => {
    const { calls, call } = routes();
    const response = await call('POST', `${snapshotsPath}?name=before-upgrade`, 'admin');
    assert.equal(response.status, 201);
    assert.deepEqual(await response.json(), { name: 'before-upgrade-pi-01-1712345678', path: '/snap/before-upgrade-pi-01-1712345678', sizeBytes: 4096, created: '2024-04-05T19:34:38Z', revision: 42 });
    assert.deepEqual(calls, ['before-upgrade']);
  });

  it('uses the default name when none is given', async () => {
    const { calls, call } = routes();
    assert.equal((await call('POST', snapshotsPath, 'admin')).status, 201);
    assert.deepEqual(calls, ['skiff-snapshot']);
  });

  it('refuses a node or any other user with 403 Forbidden as a Kubernetes Status, saving nothing', async () => {
    const { calls, call } = routes();
    for (const who of ['node', 'dev']) {
      for (const method of ['POST', 'GET']) {
        const response = await call(method, snapshotsPath, who);
        assert.equal(response.status, 403, `${method} by ${who}`);
        const status = (await response.json()) as Record<string, unknown>;
        assert.equal(status.kind, 'Status');
        assert.equal(status.reason, 'Forbidden');
        assert.equal(status.code, 403);
        assert.match(String(status.message), new RegExp(`User "${people[who]?.user}" cannot .* path "/skiff/v1/snapshots"`));
      }
    }
    assert.deepEqual(calls, []);
  });

  it('refuses an anonymous caller with 401', async () => {
    const { calls, call } = routes();
    const response = await call('POST', snapshotsPath);
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { reason: string }).reason, 'Unauthorized');
    assert.deepEqual(calls, []);
  });

  it('answers 400 for a name that could leave the snapshot directory', async () => {
    const { calls, call } = routes();
    const response = await call('POST', `${snapshotsPath}?name=${encodeURIComponent('../../etc/x')}`, 'admin');
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /Cannot save a snapshot named "..\/..\/etc\/x"/);
    assert.deepEqual(calls, []);
  });

  it('answers 409 when a snapshot of that name and second exists', async () => {
    const { call } = routes(async () => {
      throw new SnapshotError('Exists', 'Cannot save snapshot /snap/x as it already exists');
    });
    const response = await call('POST', snapshotsPath, 'admin');
    assert.equal(response.status, 409);
    assert.equal(((await response.json()) as { reason: string }).reason, 'AlreadyExists');
  });

  it('lists the snapshot directory for an admin', async () => {
    const { call } = routes();
    const response = await call('GET', snapshotsPath, 'admin');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { items: [{ name: 'a-pi-01-1712345678', path: '/snap/a-pi-01-1712345678', sizeBytes: 10, created: '2024-04-05T19:34:38Z' }] });
  });
});
