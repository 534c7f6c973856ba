/** A machine joins with a token: CA pinning, token checks and the node password, against dist/skiff. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { joinCluster } from '../internal/agent/join.ts';
import { formatJoinToken, parseJoinToken } from '../internal/join/token.ts';
import { skiffBinary, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

describe('joining a cluster', () => {
  let server: SkiffServer;
  let token = '';
  const machines: string[] = [];
  const machine = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-machine-'));
    machines.push(dir);
    return dir;
  };
  before(async () => {
    server = await startSkiffServer(undefined);
    const created = spawnSync(skiffBinary(), ['token', 'create', '--data-dir', join(server.dir, 'data')], { encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    token = created.stdout.trim();
  });
  after(async () => {
    await server?.close();
    for (const dir of machines) rmSync(dir, { recursive: true, force: true });
  });

  it('a valid token gets a node certificate for system:node:<name> and a kubeconfig', async () => {
    const dir = machine();
    const result = await joinCluster({ token, server: server.url, nodeName: 'pi-01', dataDir: dir });
    const kubeconfig = parse(readFileSync(result.kubeconfigPath, 'utf8'));
    const cert = new X509Certificate(Buffer.from(kubeconfig.users[0].user['client-certificate-data'], 'base64'));
    assert.match(cert.subject, /CN=system:node:pi-01/);
    assert.match(cert.subject, /O=system:nodes/);
    assert.equal(result.joined, true);
    assert.match(result.podCidr, /^10\.\d+\.\d+\.0\/24$/);
    // The agent API's serving certificate comes from the same CA and names the machine's addresses.
    const serving = new X509Certificate(result.serving.certPem);
    assert.ok(serving.verify(new X509Certificate(result.caPem).publicKey));
    assert.match(serving.subjectAltName ?? '', /DNS:pi-01/);
    assert.match(serving.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    // A restart reuses what the join stored; the same machine may also join again under its name.
    const again = await joinCluster({ token, server: server.url, nodeName: 'pi-01', dataDir: dir });
    assert.equal(again.joined, false);
    rmSync(join(dir, 'agent', 'node.json'));
    const rejoined = await joinCluster({ token, server: server.url, nodeName: 'pi-01', dataDir: dir });
    assert.equal(rejoined.joined, true);
    assert.equal(rejoined.podCidr, result.podCidr, 'a node keeps its pod subnet across joins');
    // The node identity may do what a kubelet does, and no more.
    const asNode = (args: string[], input?: string) => server.kubectl(args, { input, env: { KUBECONFIG: result.kubeconfigPath } });
    assert.equal(asNode(['get', 'pods', '-A']).code, 0);
    assert.equal(asNode(['create', '-f', '-'], 'apiVersion: v1\nkind: Node\nmetadata: {name: pi-01}\n').code, 0);
    const refused = asNode(['create', 'configmap', 'nope']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /forbidden: User "system:node:pi-01" cannot create resource/);
  });

  it('a token for another CA, a wrong secret, an unknown and an expired token are refused with messages that say which', async () => {
    const parsed = parseJoinToken(token);
    await assert.rejects(joinCluster({ token: formatJoinToken({ ...parsed, caHash: 'b'.repeat(64) }), server: server.url, nodeName: 'x1', dataDir: machine() }), /is not the one the token names/);
    await assert.rejects(joinCluster({ token: formatJoinToken({ ...parsed, secret: 'aaaaaaaaaaaaaaaa' }), server: server.url, nodeName: 'x2', dataDir: machine() }), new RegExp(`401: the secret of join token ${parsed.id} is wrong`));
    await assert.rejects(joinCluster({ token: formatJoinToken({ ...parsed, id: 'zzzzzz' }), server: server.url, nodeName: 'x3', dataDir: machine() }), /401: the join token zzzzzz is not known to this cluster/);
    const shortLived = spawnSync(skiffBinary(), ['token', 'create', '--ttl', '1s', '--data-dir', join(server.dir, 'data')], { encoding: 'utf8' });
    assert.equal(shortLived.status, 0, shortLived.stderr);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await assert.rejects(joinCluster({ token: shortLived.stdout.trim(), server: server.url, nodeName: 'x4', dataDir: machine() }), /401: the join token \w+ expired at \d{4}-/);
  });

  it('another machine cannot take an existing node name until that node is deleted', async () => {
    await joinCluster({ token, server: server.url, nodeName: 'pi-02', dataDir: machine() });
    assert.equal(server.kubectl(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: Node\nmetadata: {name: pi-02}\n' }).code, 0);
    const intruder = machine();
    await assert.rejects(joinCluster({ token, server: server.url, nodeName: 'pi-02', dataDir: intruder }), /403: node name "pi-02" belongs to another machine; to replace that machine, delete the node first: kubectl delete node pi-02/);
    assert.equal(server.kubectl(['delete', 'node', 'pi-02']).code, 0);
    await joinCluster({ token, server: server.url, nodeName: 'pi-02', dataDir: intruder });
  });
});
