/** `skiff token create|list|delete` on a server machine, against dist/skiff. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caHash } from '../internal/pki/index.ts';
import { parseJoinToken } from '../internal/join/token.ts';
import { adminCredentials, skiffBinary, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

describe('skiff token', () => {
  let server: SkiffServer;
  before(async () => {
    server = await startSkiffServer(undefined);
  });
  after(() => server?.close());
  const token = (...args: string[]) => {
    const result = spawnSync(skiffBinary(), ['token', ...args, '--data-dir', join(server.dir, 'data')], { encoding: 'utf8', env: { ...process.env, HOME: server.dir } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('create prints a token that pins the cluster CA and names this server; list and delete manage it', () => {
    const created = token('create', '--ttl', '1h', '--description', 'rack-2');
    assert.equal(created.code, 0, created.stderr);
    const parsed = parseJoinToken(created.stdout);
    assert.equal(parsed.caHash, caHash(adminCredentials(server.kubeconfig).ca));
    assert.match(parsed.server ?? '', new RegExp(`:${server.port}$`));

    const secret = JSON.parse(server.kubectl(['get', 'secret', `bootstrap-token-${parsed.id}`, '-n', 'kube-system', '-o', 'json']).stdout);
    assert.equal(secret.type, 'bootstrap.kubernetes.io/token');
    assert.equal(Buffer.from(secret.data['token-secret'], 'base64').toString(), parsed.secret);

    const listed = token('list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^TOKEN ID\s+EXPIRES\s+DESCRIPTION\n/);
    assert.match(listed.stdout, new RegExp(`\\n${parsed.id}\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+rack-2\\n`));

    const command = token('create', '--print-join-command', '--ttl', '0');
    assert.match(command.stdout, /^skiff agent join K10[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16}@\S+:\d+\n$/);
    assert.match(token('list').stdout, /<forever>\s+<none>/);

    assert.equal(token('delete', parsed.id).stdout, `token ${parsed.id} deleted\n`);
    assert.doesNotMatch(token('list').stdout, new RegExp(parsed.id));
    const missing = token('delete', 'zzzzzz');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /token zzzzzz not found/);
  });
});
