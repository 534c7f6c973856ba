/**
 * Deployments with real pods: `skiff server` and its embedded agent run the containers in
 * Docker, the scheduler places them, and the controllers roll them. kubectl creates, scales,
 * rolls to another image, waits with `rollout status`, undoes, and sees a rollout to an image
 * that cannot start stall with ProgressDeadlineExceeded.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const NODE = 'rollout-node';

describe('deployments on Docker', () => {
  let server: SkiffServer;
  let image = '';
  let second = '';
  before(async () => {
    await ensureDocker();
    image = await testImage();
    // The same image under a second name: a new template, without a registry.
    second = image.replace(/:[^:]+$/, ':rollout-2');
    assert.equal(spawnSync('docker', ['tag', image, second]).status, 0);
    server = await startSkiffServer(undefined, ['--node-name', NODE], undefined, { agent: true });
    await eventually('the node to be Ready', () => /\srollout-node\s+Ready\s/.test(server.kubectl(['get', 'nodes']).stdout), 30_000);
  });
  after(async () => {
    server?.kubectl(['delete', 'deployment', 'web', 'stuck', '--ignore-not-found', '--wait=false']);
    if (server !== undefined) {
      await eventually('the deployments\' containers to be gone', () => running().length === 0, 60_000).catch(() => undefined);
    }
    await server?.close();
    if (second !== '') spawnSync('docker', ['rmi', second]);
  });
  const running = (): string[] =>
    spawnSync('docker', ['ps', '--filter', `label=io.skiff.node=${NODE}`, '--filter', 'label=io.skiff.type=container', '--format', '{{.Image}} {{.Label "io.skiff.pod-name"}}'], { encoding: 'utf8' })
      .stdout.split('\n').filter(Boolean);
  const deployment = (name: string, replicas: number, command: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
${extra}  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - {name: main, image: ${image}, imagePullPolicy: Never, command: ["sh", "-c", ${JSON.stringify(command)}]}
`;
  const apply = (manifest: string): void => {
    const result = server.kubectl(['apply', '-f', '-'], { input: manifest });
    assert.equal(result.code, 0, result.stderr);
  };
  const kubectl = (args: string[], timeoutMs?: number): string => {
    const result = server.kubectl(args, { timeoutMs });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  it('creates, scales 3 → 5 → 2, rolls to another image, and undoes, with containers following in Docker', async () => {
    apply(deployment('web', 3, 'trap "exit 0" TERM; while :; do sleep 1; done'));
    assert.match(kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], 100_000), /successfully rolled out/);
    const webContainers = () => running().filter((line) => line.includes(' web-'));
    await eventually('3 web containers', () => webContainers().length === 3, 30_000);

    kubectl(['scale', 'deployment', 'web', '--replicas=5']);
    assert.match(kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], 100_000), /successfully rolled out/);
    await eventually('5 web containers', () => webContainers().length === 5, 30_000);
    kubectl(['scale', 'deployment', 'web', '--replicas=2']);
    await eventually('2 web containers', () => webContainers().length === 2, 60_000);

    kubectl(['set', 'image', 'deployment/web', `main=${second}`]);
    assert.match(kubectl(['rollout', 'status', 'deployment/web', '--timeout=120s'], 130_000), /successfully rolled out/);
    await eventually('the containers to run the second image', () => {
      const lines = webContainers();
      return lines.length === 2 && lines.every((line) => line.startsWith(`${second} `));
    }, 60_000);
    assert.match(kubectl(['rollout', 'history', 'deployment/web']), /\n1\s+<none>\n2\s+<none>\n/);

    kubectl(['rollout', 'undo', 'deployment/web']);
    assert.match(kubectl(['rollout', 'status', 'deployment/web', '--timeout=120s'], 130_000), /successfully rolled out/);
    await eventually('the containers to run the first image again', () => {
      const lines = webContainers();
      return lines.length === 2 && lines.every((line) => line.startsWith(`${image} `));
    }, 60_000);
    assert.equal(kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), image);
  });

  it('a rollout to an image that cannot start stalls and reports ProgressDeadlineExceeded, keeping the old pods', async () => {
    apply(deployment('stuck', 1, 'trap "exit 0" TERM; while :; do sleep 1; done', '  progressDeadlineSeconds: 10\n'));
    assert.match(kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=90s'], 100_000), /successfully rolled out/);
    kubectl(['set', 'image', 'deployment/stuck', 'main=skiff-test/not-here:1']);
    const status = server.kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.notEqual(status.code, 0);
    assert.match(status.stderr, /exceeded its progress deadline/);
    const conditions = JSON.parse(kubectl(['get', 'deployment', 'stuck', '-o', 'jsonpath={.status.conditions}'])) as { type: string; status: string; reason: string }[];
    const progressing = conditions.find((c) => c.type === 'Progressing');
    assert.equal(progressing?.status, 'False');
    assert.equal(progressing?.reason, 'ProgressDeadlineExceeded');
    assert.match(kubectl(['get', 'pods', '-l', 'app=stuck']), /ErrImageNeverPull/);
    assert.match(kubectl(['get', 'pods', '-l', 'app=stuck']), /1\/1\s+Running/, 'the old pod keeps serving');
  });
});
