/** The proxy loop against the real API server, with the host tools replaced by a recorder. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../../apiserver/objects.ts';
import { ApiClient } from '../../client/index.ts';
import { startTestApiServer } from '../../client/test-api-server.ts';
import { eventually } from '../../../test/support/poll.ts';
import { createLogger } from '../../util/log.ts';
import type { CommandRunner } from './command-runner.ts';
import { serviceFixture, sliceFixture } from './fixtures.ts';
import { startProxy } from './proxy.ts';

/** Answers like a host whose iptables holds one chain of the prefix; records every call. */
function recordingRunner(): CommandRunner & { calls: Array<{ command: string; args: readonly string[]; input: string }> } {
  const calls: Array<{ command: string; args: readonly string[]; input: string }> = [];
  return {
    calls,
    async run(command, args, input) {
      calls.push({ command, args, input: input ?? '' });
      if (command === 'iptables-save') return { code: 0, stdout: '*nat\n:SKIFF-test-SERVICES - [0:0]\nCOMMIT\n', stderr: '' };
      if (command === 'sysctl') return { code: 0, stdout: '1\n', stderr: '' };
      return { code: 0, stdout: '', stderr: '' };
    },
  };
}

test('the proxy writes a full sync, then only the chains a changed slice touches, and removes its rules when stopped with cleanup', async (t) => {
  const server = await startTestApiServer(t);
  const api = new ApiClient(server.config);
  t.after(() => api.close());
  await api.resource('Namespace').create(null, { metadata: { name: 'default' } });
  const service = await api.resource('Service').create('default', { ...serviceFixture('web', { clusterIP: '10.43.0.10' }), metadata: { name: 'web' } });
  const clusterIp = String((service.spec as { clusterIP: string }).clusterIP);
  const slices = api.resource('EndpointSlice', 'discovery.k8s.io/v1');
  const { metadata, ...slice } = sliceFixture('web', [{ ip: '10.42.0.5', node: 'n1' }]);
  await slices.create('default', { ...slice, metadata: { name: metadata.name, labels: metadata.labels } });

  const runner = recordingRunner();
  const restores = () => runner.calls.filter((c) => c.command === 'iptables-restore').map((c) => c.input);
  const proxy = await startProxy({
    api, nodeName: 'n1', podCidr: '10.42.0.0/24', mode: 'iptables', runner, chainPrefix: 'SKIFF-test',
    nodeAddresses: () => ['127.0.0.1'], cleanupOnStop: true, log: createLogger('error', () => undefined),
  });
  let stopped = false;
  t.after(() => (stopped ? undefined : proxy.stop()));
  await eventually('the full sync', () => restores().some((text) => text.includes('DNAT --to-destination 10.42.0.5:8080')));
  const full = restores().find((text) => text.includes('10.42.0.5:8080')) ?? '';
  assert.match(full, new RegExp(`-A SKIFF-test-SERVICES -d ${clusterIp.replaceAll('.', '\\.')}/32 -p tcp -m tcp --dport 80 `));
  assert.match(full, /-A SKIFF-test-OWNER -m comment --comment "skiff agent pid=\d+ node=n1" -j RETURN/);
  assert.ok(runner.calls.some((c) => c.command === 'iptables' && c.args.includes('-C')), 'the jumps were checked');

  const current = await slices.get('default', 'web-a');
  await slices.update('default', { ...current, endpoints: [...(current.endpoints as Json[]), { addresses: ['10.42.0.6'], conditions: { ready: true }, nodeName: 'n1' }] });
  const incremental = await eventually('the incremental sync', () => restores().find((text) => text.includes('10.42.0.6:8080')));
  assert.doesNotMatch(incremental, /:SKIFF-test-SERVICES /, 'the cluster IP rule did not change');
  assert.doesNotMatch(incremental, /\*filter/);
  assert.match(incremental, /:SKIFF-test-SVC-\w+ - \[0:0\]/);

  stopped = true;
  await proxy.stop();
  assert.match(restores().at(-1) ?? '', /-X SKIFF-test-SERVICES/);
});
