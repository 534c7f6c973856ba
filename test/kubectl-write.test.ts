/**
 * The real kubectl changing objects in dist/skiff: create (generators send protobuf),
 * apply (client-side strategic merge and server-side with conflicts), label, annotate,
 * edit, scale, rollout, wait and delete.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const deployment = (image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 80}]
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
${extra}`;

describe('kubectl writes to skiff server', () => {
  let server: SkiffServer;
  before(async () => {
    server = await startSkiffServer(undefined);
  });
  after(() => server?.close());
  const run = (args: string[], input?: string, env?: Record<string, string>) => server.kubectl(args, { input, env });
  const ok = (args: string[], input?: string, env?: Record<string, string>): string => {
    const result = run(args, input, env);
    assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };
  const json = (args: string[]) => JSON.parse(ok([...args, '-o', 'json']));

  it('create generators (sent as protobuf) make namespaces, deployments, config maps, secrets and services', () => {
    assert.equal(ok(['create', 'namespace', 'gen']).trim(), 'namespace/gen created');
    assert.equal(ok(['create', 'deployment', 'api', '--image=busybox:1.36', '--replicas=3', '--port=8080', '-n', 'gen']).trim(), 'deployment.apps/api created');
    assert.equal(ok(['create', 'configmap', 'settings', '--from-literal=mode=fast', '-n', 'gen']).trim(), 'configmap/settings created');
    assert.equal(ok(['create', 'secret', 'generic', 'token', '--from-literal=key=s3cr3t', '-n', 'gen']).trim(), 'secret/token created');
    assert.equal(ok(['create', 'service', 'clusterip', 'api', '--tcp=80:8080', '-n', 'gen']).trim(), 'service/api created');
    const dep = json(['get', 'deployment', 'api', '-n', 'gen']);
    assert.equal(dep.spec.replicas, 3);
    assert.equal(dep.spec.template.spec.containers[0].image, 'busybox:1.36');
    assert.equal(dep.spec.template.spec.containers[0].ports[0].containerPort, 8080);
    assert.equal(dep.spec.strategy.type, 'RollingUpdate');
    assert.equal(json(['get', 'configmap', 'settings', '-n', 'gen']).data.mode, 'fast');
    assert.equal(Buffer.from(json(['get', 'secret', 'token', '-n', 'gen']).data.key, 'base64').toString(), 's3cr3t');
    const svc = json(['get', 'service', 'api', '-n', 'gen']);
    assert.match(svc.spec.clusterIP, /^10\.43\./);
    assert.equal(svc.spec.ports[0].targetPort, 8080);
  });

  it('create -f makes objects from a multi-document file and refuses a duplicate', () => {
    const file = join(server.dir, 'two.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1}\ndata: {a: "1"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2}\n');
    assert.match(ok(['create', '-f', file]), /configmap\/c1 created\nconfigmap\/c2 created/);
    const again = run(['create', '-f', file]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /configmaps "c1" already exists/);
  });

  it('apply -f creates, then patches with a strategic merge that keeps list items by name', () => {
    assert.match(ok(['apply', '-f', '-'], deployment('nginx:1')), /deployment.apps\/web created/);
    const changed = deployment('nginx:2').replace('{name: B, value: "2"}', '{name: C, value: "3"}');
    assert.match(ok(['apply', '-f', '-'], changed), /deployment.apps\/web configured/);
    const dep = json(['get', 'deployment', 'web']);
    const container = dep.spec.template.spec.containers[0];
    assert.equal(container.image, 'nginx:2');
    assert.deepEqual(container.env.map((e: { name: string }) => e.name), ['A', 'C']);
    assert.equal(dep.metadata.generation, 2);
    assert.match(ok(['apply', '-f', '-'], changed), /deployment.apps\/web unchanged/);
  });

  it('apply refuses unknown fields (server-side strict validation)', () => {
    const bad = deployment('nginx:2').replace('replicas: 2', 'replicas: 2\n  replicaz: 3');
    const result = run(['apply', '-f', '-'], bad);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /unknown field "spec.replicaz"/);
  });

  it('apply --server-side conflicts with another manager and succeeds with --force-conflicts', () => {
    const config = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {owner: first}\n';
    assert.match(ok(['apply', '--server-side', '--field-manager=first', '-f', '-'], config), /configmap\/ssa serverside-applied/);
    const other = config.replace('owner: first', 'owner: second');
    const conflict = run(['apply', '--server-side', '--field-manager=second', '-f', '-'], other);
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /conflict/i);
    assert.match(conflict.stderr, /\.data\.owner/);
    ok(['apply', '--server-side', '--field-manager=second', '--force-conflicts', '-f', '-'], other);
    const cm = json(['get', 'configmap', 'ssa', '--show-managed-fields']);
    assert.equal(cm.data.owner, 'second');
    assert.ok(cm.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'second' && m.operation === 'Apply'));
  });

  it('label and annotate add, overwrite and remove with merge patches', () => {
    ok(['label', 'configmap', 'c1', 'tier=back']);
    assert.notEqual(run(['label', 'configmap', 'c1', 'tier=front']).code, 0);
    ok(['label', 'configmap', 'c1', 'tier=front', '--overwrite']);
    ok(['annotate', 'configmap', 'c1', 'note=hello']);
    let cm = json(['get', 'configmap', 'c1']);
    assert.equal(cm.metadata.labels.tier, 'front');
    assert.equal(cm.metadata.annotations.note, 'hello');
    ok(['label', 'configmap', 'c1', 'tier-']);
    ok(['annotate', 'configmap', 'c1', 'note-']);
    cm = json(['get', 'configmap', 'c1']);
    assert.equal(cm.metadata.labels?.tier, undefined);
    assert.equal(cm.metadata.annotations?.note, undefined);
    assert.match(ok(['get', 'configmaps', '-l', 'tier!=front']), /c2/);
  });

  it('edit runs $EDITOR and sends the change', () => {
    const editor = join(server.dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i \'s/^  a: "1"$/  a: "edited"/\' "$1"\n');
    chmodSync(editor, 0o755);
    assert.match(ok(['edit', 'configmap', 'c1'], undefined, { EDITOR: editor, KUBE_EDITOR: editor }), /configmap\/c1 edited/);
    assert.equal(json(['get', 'configmap', 'c1']).data.a, 'edited');
  });

  it('scale sets replicas through the scale subresource, with --current-replicas as a precondition', () => {
    assert.match(ok(['scale', 'deployment', 'web', '--replicas=5']), /deployment.apps\/web scaled/);
    assert.equal(json(['get', 'deployment', 'web']).spec.replicas, 5);
    const stale = run(['scale', 'deployment', 'web', '--current-replicas=2', '--replicas=1']);
    assert.notEqual(stale.code, 0);
    ok(['scale', 'deployment', 'web', '--current-replicas=5', '--replicas=1']);
    assert.equal(json(['get', 'deployment/web', '--subresource=scale']).spec.replicas, 1);
  });

  it('rollout pause and resume toggle spec.paused; history answers for the deployment (revisions need the deployment controller)', () => {
    assert.match(ok(['rollout', 'pause', 'deployment/web']), /paused/);
    assert.equal(json(['get', 'deployment', 'web']).spec.paused, true);
    assert.match(ok(['rollout', 'resume', 'deployment/web']), /resumed/);
    assert.equal(json(['get', 'deployment', 'web']).spec.paused, undefined);
    assert.match(ok(['rollout', 'history', 'deployment/web']), /deployment.apps\/web/);
  });

  it('wait --for returns once a condition holds and times out when it does not', () => {
    ok(['create', 'namespace', 'waiting']);
    assert.match(ok(['wait', '--for=jsonpath={.status.phase}=Active', 'namespace/waiting', '--timeout=10s']), /condition met/);
    const timeout = run(['wait', '--for=condition=Ready', 'configmap/c1', '--timeout=1s']);
    assert.notEqual(timeout.code, 0);
    assert.match(timeout.stderr, /timed out/);
  });

  it('delete by name, by label, and with --cascade variants', () => {
    ok(['create', 'configmap', 'gone-1', '--from-literal=a=1']);
    ok(['label', 'configmap', 'gone-1', 'batch=x']);
    ok(['create', 'configmap', 'gone-2']);
    ok(['label', 'configmap', 'gone-2', 'batch=x']);
    assert.match(ok(['delete', 'configmaps', '-l', 'batch=x']), /configmap "gone-1" deleted\nconfigmap "gone-2" deleted/);
    for (const cascade of ['background', 'foreground', 'orphan']) {
      ok(['create', 'configmap', `cascade-${cascade}`]);
      assert.match(ok(['delete', 'configmap', `cascade-${cascade}`, `--cascade=${cascade}`, '--timeout=20s']), /deleted/);
      assert.notEqual(run(['get', 'configmap', `cascade-${cascade}`]).code, 0);
    }
    const missing = run(['delete', 'configmap', 'never-was']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /configmaps "never-was" not found/);
  });

  it('describe shows the object and its events section', () => {
    const out = ok(['describe', 'deployment', 'web']);
    assert.match(out, /^Name:\s+web$/m);
    assert.match(out, /^Replicas:\s+1 desired/m);
    assert.match(out, /StrategyType:\s+RollingUpdate/);
  });

  it('create generators for jobs, cron jobs, ingresses, RBAC, quotas, PDBs and priority classes; run makes a Pending pod', () => {
    ok(['create', 'namespace', 'more']);
    const n = ['-n', 'more'];
    ok(['create', 'job', 'j', '--image=busybox', ...n]);
    ok(['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', ...n]);
    ok(['create', 'ingress', 'ing', '--rule=foo.example/bar=web:80', ...n]);
    ok(['create', 'serviceaccount', 'robot', ...n]);
    ok(['create', 'role', 'reader', '--verb=get', '--resource=pods', ...n]);
    ok(['create', 'rolebinding', 'rb', '--role=reader', '--serviceaccount=more:robot', ...n]);
    ok(['create', 'quota', 'q', '--hard=pods=10', ...n]);
    ok(['create', 'pdb', 'pdb', '--selector=app=web', '--min-available=1', ...n]);
    ok(['create', 'priorityclass', 'high', '--value=1000']);
    ok(['run', 'p1', '--image=busybox', ...n, '--', 'sleep', '100']);
    const job = json(['get', 'job', 'j', ...n]);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    assert.ok(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']);
    assert.equal(json(['get', 'ingress', 'ing', ...n]).spec.rules[0].http.paths[0].backend.service.port.number, 80);
    assert.match(ok(['get', 'pods', ...n]), /\np1\s+0\/1\s+Pending\s+0\s+\d+s\n/);
    assert.match(ok(['get', 'cronjobs', ...n]), /cj\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0/);
  });

  it('deleting a namespace deletes what is in it; the system namespaces cannot be deleted', () => {
    assert.match(ok(['delete', 'namespace', 'more', '--timeout=30s']), /namespace "more" deleted/);
    assert.notEqual(run(['get', 'namespace', 'more']).code, 0);
    assert.match(ok(['get', 'jobs,pods,configmaps', '-n', 'more', '--ignore-not-found']), /^$/);
    const refused = run(['delete', 'namespace', 'kube-system']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /this namespace may not be deleted/);
  });

  it('a binding assigns the node and marks the pod scheduled, once', () => {
    ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: bound, namespace: default}\nspec: {schedulerName: nobody, containers: [{name: c, image: x}]}\n');
    const binding = '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bound"},"target":{"kind":"Node","name":"node-7"}}';
    ok(['create', '--raw', '/api/v1/namespaces/default/pods/bound/binding', '-f', '-'], binding);
    const pod = JSON.parse(ok(['get', 'pod', 'bound', '-o', 'json']));
    assert.equal(pod.spec.nodeName, 'node-7');
    assert.deepEqual(pod.status.conditions.map((c: { type: string; status: string }) => [c.type, c.status]), [['PodScheduled', 'True']]);
    const again = run(['create', '--raw', '/api/v1/namespaces/default/pods/bound/binding', '-f', '-'], binding);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already assigned to node "node-7"/);
    ok(['delete', 'pod', 'bound', '--grace-period=0', '--force']);
  });

  it('a realistic multi-kind manifest applies, re-applies and deletes (every field passes strict validation)', () => {
    const file = join(import.meta.dirname, 'fixtures', 'edge-app.yaml');
    ok(['create', 'namespace', 'edge']);
    const first = ok(['apply', '-n', 'edge', '-f', file]);
    for (const kind of ['deployment.apps/full', 'service/full', 'statefulset.apps/db', 'daemonset.apps/agent', 'cronjob.batch/backup', 'ingress.networking.k8s.io/full', 'horizontalpodautoscaler.autoscaling/full', 'networkpolicy.networking.k8s.io/deny', 'poddisruptionbudget.policy/full']) {
      assert.match(first, new RegExp(`${kind.replace('.', '\\.')} created`));
    }
    // Lists the server defaults inside (claim templates, projected sources) read as "configured", as upstream.
    assert.match(ok(['apply', '-n', 'edge', '-f', file]), /service\/full unchanged\nstatefulset.apps\/db (unchanged|configured)\n/);
    // Moving to server-side apply: fields last applied client-side with the same values are taken over.
    assert.match(ok(['apply', '--server-side', '-n', 'edge', '-f', file]), /deployment.apps\/full serverside-applied/);
    assert.match(ok(['get', 'service', 'full', '-n', 'edge']), /LoadBalancer\s+10\.43\.\d+\.\d+\s+<pending>\s+80:3\d{4}\/TCP/);
    ok(['delete', '-n', 'edge', '-f', file]);
  });
});
