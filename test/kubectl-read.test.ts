/**
 * The real kubectl (apt package, 1.32 through its dispatcher) reading from dist/skiff:
 * tables, -o yaml/json, -A, -w, api-resources and explain.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startSkiffServer, type SkiffServer } from './support/skiff-server.ts';
import { eventually } from './support/poll.ts';

describe('kubectl reads from skiff server', () => {
  let server: SkiffServer;
  before(async () => {
    server = await startSkiffServer(undefined);
  });
  after(() => server?.close());

  const ok = (args: string[], input?: string): string => {
    const result = server.kubectl(args, { input });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };

  it('get namespaces prints the server-built table with STATUS and AGE', () => {
    const out = ok(['get', 'namespaces']);
    const lines = out.trim().split('\n');
    assert.match(lines[0] ?? '', /^NAME\s+STATUS\s+AGE$/);
    for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
      assert.ok(lines.some((l) => new RegExp(`^${name}\\s+Active\\s+\\d+s$`).test(l)), `${name} row in\n${out}`);
    }
  });

  it('get -o yaml and -o json print the stored object', () => {
    const yaml = ok(['get', 'namespace', 'kube-system', '-o', 'yaml']);
    assert.match(yaml, /^apiVersion: v1\nkind: Namespace\n/);
    assert.match(yaml, /kubernetes.io\/metadata.name: kube-system/);
    const json = JSON.parse(ok(['get', 'service', 'kubernetes', '-o', 'json']));
    assert.equal(json.spec.clusterIP, '10.43.0.1');
    assert.equal(json.spec.ports[0].port, 443);
  });

  it('get -A adds the NAMESPACE column from the rows', () => {
    ok(['create', 'namespace', 'reads']);
    ok(['create', 'configmap', 'one', '-n', 'reads', '--from-literal=a=1', '--from-literal=b=2']);
    const out = ok(['get', 'configmaps', '-A']);
    assert.match(out.split('\n')[0] ?? '', /^NAMESPACE\s+NAME\s+DATA\s+AGE$/);
    assert.match(out, /\nreads\s+one\s+2\s+\d+s\n/);
  });

  it('get services shows TYPE, CLUSTER-IP and PORT(S), and -o wide adds SELECTOR', () => {
    ok(['create', 'service', 'nodeport', 'web', '--tcp=80:8080', '-n', 'reads']);
    const out = ok(['get', 'services', '-n', 'reads', '-o', 'wide']);
    assert.match(out.split('\n')[0] ?? '', /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$/);
    assert.match(out, /\nweb\s+NodePort\s+10\.43\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+\d+s\s+app=web\n/);
  });

  it('get -w streams changes as table rows', async () => {
    ok(['create', 'namespace', 'watched']);
    // An object that exists before the watch: its row shows the watch has listed and is open.
    ok(['create', 'configmap', 'zero', '-n', 'watched']);
    const child = spawn('kubectl', ['get', 'configmaps', '-n', 'watched', '-w'], { env: { ...process.env, KUBECONFIG: server.kubeconfig, HOME: server.dir } });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    after(() => child.kill('SIGKILL'));
    await eventually('the watch to list what exists', () => /zero\s+0\s+\d+s/.test(output), 10_000);
    assert.doesNotMatch(output, /first/);
    ok(['create', 'configmap', 'first', '-n', 'watched', '--from-literal=k=v']);
    await eventually('the new config map to appear in the watch', () => /first\s+1\s+\d+s/.test(output), 15_000);
    ok(['delete', 'configmap', 'first', '-n', 'watched']);
    child.kill('SIGTERM');
    assert.match(output, /NAME\s+DATA\s+AGE/);
  });

  it('api-resources lists every served kind with short names and namespaced flags', () => {
    const out = ok(['api-resources']);
    assert.match(out, /\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);
    assert.match(out, /\nnamespaces\s+ns\s+v1\s+false\s+Namespace\n/);
    assert.match(out, /\nhorizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler\n/);
    assert.match(out, /\ncronjobs\s+cj\s+batch\/v1\s+true\s+CronJob\n/);
  });

  it('explain reads the OpenAPI v3 schemas', () => {
    const out = ok(['explain', 'deployment.spec.replicas']);
    assert.match(out, /GROUP:\s+apps/);
    assert.match(out, /FIELD: replicas <integer>/);
    const pod = ok(['explain', 'pods.spec.containers.ports']);
    assert.match(pod, /containerPort\s+<integer> -required-/);
  });
});
