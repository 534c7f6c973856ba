/**
 * `skiff kubectl` (the built-in subset) against `skiff server`, run as the built binary;
 * the real kubectl sets up state it has no verb for and serves as the reference output.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { skiffBinary, startSkiffServer, type KubectlResult, type SkiffServer } from './support/skiff-server.ts';
import { eventually } from './support/poll.ts';

const deployment = (name: string, namespace: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: nginx}]}
`;

describe('skiff kubectl against skiff server', () => {
  let server: SkiffServer;
  before(async () => {
    server = await startSkiffServer(undefined);
    const setup = server.kubectl(['create', 'namespace', 'sk']);
    assert.equal(setup.code, 0, setup.stderr);
  });
  after(() => server?.close());

  const skiff = (args: string[], input?: string, timeoutMs = 30_000): KubectlResult => {
    const result = spawnSync(skiffBinary(), ['kubectl', '--kubeconfig', server.kubeconfig, ...args], {
      encoding: 'utf8',
      input,
      timeout: timeoutMs,
      env: { ...process.env, HOME: server.dir, KUBECONFIG: '' },
    });
    return { code: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  };
  const ok = (args: string[], input?: string): string => {
    const result = skiff(args, input);
    assert.equal(result.code, 0, `skiff kubectl ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };
  const real = (args: string[], input?: string): string => {
    const result = server.kubectl(args, { input });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };

  it('get ns prints the same table as the real kubectl apart from the ages', () => {
    const withoutAge = (text: string): string => text.replace(/\b\d+(s|m\d*s?|h\d*m?)$/gm, 'AGE');
    const ours = ok(['get', 'ns']);
    assert.match(ours, /^NAME\s+STATUS\s+AGE\n/);
    assert.equal(withoutAge(ours), withoutAge(real(['get', 'ns'])));
  });

  it('get of an empty namespace says so on stderr and prints nothing', () => {
    const result = skiff(['get', 'configmaps', '-n', 'sk']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'No resources found in sk namespace.\n');
  });

  it('apply -f of a directory applies every manifest server-side', () => {
    const dir = join(server.dir, 'manifests');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alpha, labels: {tier: web}}\ndata: {k: v}\n');
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'beta', labels: { tier: 'web' } } }));
    writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
    assert.equal(ok(['apply', '-f', dir, '-n', 'sk']), 'configmap/alpha serverside-applied\nconfigmap/beta serverside-applied\n');
    const managers = JSON.parse(real(['get', 'configmap', 'alpha', '-n', 'sk', '-o', 'json', '--show-managed-fields'])).metadata.managedFields;
    assert.ok(managers.some((m: { manager: string }) => m.manager === 'skiff-kubectl'), JSON.stringify(managers));
    const shown = ok(['get', 'configmap', 'alpha', '-n', 'sk', '-o', 'yaml']);
    assert.doesNotMatch(shown, /managedFields/);
    assert.match(ok(['get', 'configmap', 'alpha', '-n', 'sk', '-o', 'yaml', '--show-managed-fields']), /manager: skiff-kubectl/);
  });

  it('apply -f - reads a two-document stream from stdin', () => {
    const input = `${deployment('web', 'sk')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: gamma, namespace: sk}\n`;
    assert.equal(ok(['apply', '-f', '-'], input), 'deployment.apps/web serverside-applied\nconfigmap/gamma serverside-applied\n');
    assert.equal(real(['get', 'deployment', 'web', '-n', 'sk', '-o', 'jsonpath={.spec.replicas}']), '2');
  });

  it('get prints the server table, and -o yaml, json and name print the objects', () => {
    const table = ok(['get', 'cm', '-n', 'sk']);
    assert.match(table, /^NAME\s+DATA\s+AGE\nalpha\s+1\s+\d+s\nbeta\s+0\s+\d+s\ngamma\s+0\s+\d+s\n$/);
    const yaml = ok(['get', 'configmap/alpha', '-n', 'sk', '-o', 'yaml']);
    assert.match(yaml, /^apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n/);
    const list = JSON.parse(ok(['get', 'configmaps', '-n', 'sk', '-l', 'tier=web', '-o', 'json']));
    assert.equal(list.kind, 'List');
    assert.deepEqual(list.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['alpha', 'beta']);
    assert.equal(list.items[0].kind, 'ConfigMap');
    assert.equal(ok(['get', 'deploy', '-n', 'sk', '-o', 'name']), 'deployment.apps/web\n');
    assert.equal(ok(['get', 'cm', '-n', 'sk', '--field-selector', 'metadata.name=beta', '-o', 'name']), 'configmap/beta\n');
  });

  it('get -o wide adds the wide columns and -A puts NAMESPACE first', () => {
    assert.match(ok(['get', 'deployments', '-n', 'sk']).split('\n')[0] ?? '', /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    assert.match(ok(['get', 'deployments', '-n', 'sk', '-o', 'wide']).split('\n')[0] ?? '', /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    const all = ok(['get', 'configmaps', '-A']);
    assert.match(all, /^NAMESPACE\s+NAME\s+DATA\s+AGE\n/);
    assert.match(all, /\nsk\s+alpha\s+1\s+\d+s\n/);
  });

  it('a missing object is one "Error from server" line and exit 1; usage mistakes exit 2', () => {
    const missing = skiff(['get', 'configmap', 'nope', '-n', 'sk']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error from server (NotFound): configmaps "nope" not found\n');
    const unknownType = skiff(['get', 'frobs']);
    assert.equal(unknownType.code, 1);
    assert.equal(unknownType.stderr, 'error: the server doesn\'t have a resource type "frobs"\n');
    const usage = skiff(['get', 'pods', '--bogus']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr.trim().split('\n').length, 1);
    const logs = skiff(['logs', 'web']);
    assert.equal(logs.code, 1);
    assert.equal(logs.stderr, 'not available yet: pod logs come with the agent\n');
  });

  it('get -w prints the current rows, then a row for a change', async () => {
    const child = spawn(skiffBinary(), ['kubectl', '--kubeconfig', server.kubeconfig, 'get', 'cm', '-n', 'sk', '-w']);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise((done) => child.once('exit', done));
    try {
      await eventually('the initial table', () => /\ngamma\s+0\s+\d+s\n/.test(output), 15_000);
      real(['create', 'configmap', 'delta', '-n', 'sk', '--from-literal=a=1', '--from-literal=b=2']);
      await eventually('the new config map in the watch', () => /\ndelta\s+2\s+\d+s\n/.test(output), 15_000);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    assert.equal((output.match(/NAME\s+DATA\s+AGE/g) ?? []).length, 1);
  });

  it('create -f posts the objects and refuses one that exists', () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: created, namespace: sk}\n';
    assert.equal(ok(['create', '-f', '-'], manifest), 'configmap/created created\n');
    const again = skiff(['create', '-f', '-'], manifest);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'Error from server (AlreadyExists): configmaps "created" already exists\n');
  });

  it('describe shows name, labels, the data and the events of the object', () => {
    const uid = real(['get', 'configmap', 'alpha', '-n', 'sk', '-o', 'jsonpath={.metadata.uid}']);
    real(['create', '-f', '-'], `apiVersion: v1\nkind: Event\nmetadata: {name: alpha.1, namespace: sk}\ninvolvedObject: {kind: ConfigMap, name: alpha, namespace: sk, uid: ${uid}}\nreason: Checked\nmessage: looked fine\ntype: Normal\nsource: {component: tester}\n`);
    const out = ok(['describe', 'configmap', 'alpha', '-n', 'sk']);
    assert.match(out, /^Name:\s+alpha\nNamespace:\s+sk\nLabels:\s+tier=web\nAnnotations:\s+<none>\n/);
    assert.match(out, /\nData:\n {2}k: v\n/);
    assert.match(out, /\nEvents:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n {2}----\s+------\s+----\s+----\s+-------\n {2}Normal\s+Checked\s+\S+\s+tester\s+looked fine\n?$/);
  });

  it('label adds and removes labels and refuses to change one without --overwrite', () => {
    assert.equal(ok(['label', 'cm', 'alpha', 'color=red', '-n', 'sk']), 'configmap/alpha labeled\n');
    const refused = skiff(['label', 'cm', 'alpha', 'color=blue', '-n', 'sk']);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, "error: 'color' already has a value (red), and --overwrite is false\n");
    assert.equal(ok(['label', 'configmap/alpha', 'color=blue', '--overwrite', '-n', 'sk']), 'configmap/alpha labeled\n');
    assert.equal(real(['get', 'cm', 'alpha', '-n', 'sk', '-o', 'jsonpath={.metadata.labels.color}']), 'blue');
    assert.equal(ok(['label', 'cm', 'alpha', 'color-', '-n', 'sk']), 'configmap/alpha unlabeled\n');
    assert.equal(real(['get', 'cm', 'alpha', '-n', 'sk', '-o', 'jsonpath={.metadata.labels}']), '{"tier":"web"}');
  });

  it('scale sets spec.replicas through the scale subresource', () => {
    assert.equal(ok(['scale', 'deployment/web', '--replicas=3', '-n', 'sk']), 'deployment.apps/web scaled\n');
    assert.equal(real(['get', 'deployment', 'web', '-n', 'sk', '-o', 'jsonpath={.spec.replicas}']), '3');
  });

  it('rollout status times out while the pods are not ready and succeeds once they are', async () => {
    const waiting = skiff(['rollout', 'status', 'deployment/web', '-n', 'sk', '--timeout=1s']);
    assert.equal(waiting.code, 1);
    assert.match(waiting.stdout, /^Waiting for deployment/);
    assert.equal(waiting.stderr, 'error: timed out waiting for the condition\n');
    // No agent runs here: the pods the controllers made are marked ready by hand.
    const replicas = Number(real(['get', 'deployment', 'web', '-n', 'sk', '-o', 'jsonpath={.spec.replicas}']));
    const names = await eventually('the deployment\'s pods', () => {
      const listed = real(['get', 'pods', '-n', 'sk', '-l', 'app=web', '-o', 'name']).split('\n').filter(Boolean);
      return listed.length === replicas && listed;
    }, 15_000);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }, { type: 'ContainersReady', status: 'True', lastTransitionTime: now }],
      containerStatuses: [{ name: 'c', ready: true, started: true, restartCount: 0, image: 'nginx', imageID: '', state: { running: { startedAt: now } } }],
    };
    for (const name of names) real(['patch', name, '-n', 'sk', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    assert.equal(ok(['rollout', 'status', 'deployment', 'web', '-n', 'sk', '--timeout=20s']), 'deployment "web" successfully rolled out\n');
  });

  it('delete -l deletes every match and waits until each is gone', () => {
    assert.equal(ok(['delete', 'configmaps', '-l', 'tier=web', '-n', 'sk']), 'configmap "alpha" deleted\nconfigmap "beta" deleted\n');
    assert.equal(real(['get', 'configmaps', '-n', 'sk', '-l', 'tier=web', '-o', 'name']), '');
    const none = skiff(['delete', 'configmaps', '-l', 'tier=web', '-n', 'sk']);
    assert.equal(none.code, 0);
    assert.equal(none.stderr, 'No resources found in sk namespace.\n');
  });

  it('delete --cascade=orphan keeps the dependents and drops their owner reference', async () => {
    const uid = real(['get', 'configmap', 'gamma', '-n', 'sk', '-o', 'jsonpath={.metadata.uid}']);
    real(['create', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: child\n  namespace: sk\n  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: gamma, uid: ${uid}}]\n`);
    assert.equal(ok(['delete', 'configmap', 'gamma', '-n', 'sk', '--cascade=orphan']), 'configmap "gamma" deleted\n');
    assert.equal(skiff(['get', 'configmap', 'gamma', '-n', 'sk']).code, 1);
    await eventually('the owner reference to be removed', () => real(['get', 'configmap', 'child', '-n', 'sk', '-o', 'jsonpath={.metadata.ownerReferences}']) === '', 10_000);
  });
});
