/**
 * `skiff agent --cleanup` with no server or token removes every rule skiff agents made on
 * the machine and exits. Run inside a network namespace of its own (its own iptables), so
 * agents of other tests on this host keep theirs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { skiffBinary } from './support/skiff-server.ts';
import { tempDir } from './support/tmp.ts';

const rules = `*nat
:SKIFF-0a1b-SERVICES - [0:0]
:SKIFF-0a1b-SVC-WEB - [0:0]
-A PREROUTING -m comment --comment "skiff service portals" -j SKIFF-0a1b-SERVICES
-A OUTPUT -m comment --comment "skiff service portals" -j SKIFF-0a1b-SERVICES
-A SKIFF-0a1b-SERVICES -d 10.43.0.20/32 -p tcp --dport 80 -j SKIFF-0a1b-SVC-WEB
-A SKIFF-0a1b-SVC-WEB -p tcp -j DNAT --to-destination 10.42.0.9:8080
COMMIT
*filter
:SKIFF-0a1b-FILTER - [0:0]
:OTHER-CHAIN - [0:0]
-A INPUT -j SKIFF-0a1b-FILTER
-A SKIFF-0a1b-FILTER -d 10.43.0.21/32 -p tcp -j REJECT
-A OTHER-CHAIN -j ACCEPT
COMMIT
`;

test('skiff agent --cleanup alone removes every skiff chain and jump, and nothing else', (t) => {
  const ns = `skiffclean${process.pid}`;
  assert.equal(spawnSync('ip', ['netns', 'add', ns]).status, 0, 'ip netns add');
  t.after(() => spawnSync('ip', ['netns', 'del', ns]));
  const inNs = (args: string[], input?: string) => spawnSync('nsenter', [`--net=/var/run/netns/${ns}`, ...args], { encoding: 'utf8', input });
  const restored = inNs(['iptables-restore', '--noflush'], rules);
  assert.equal(restored.status, 0, restored.stderr);
  assert.match(inNs(['iptables-save']).stdout, /SKIFF-0a1b-SVC-WEB/);

  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.yaml'), '');
  const cleaned = inNs([skiffBinary(), 'agent', '--cleanup', '--config', join(dir, 'config.yaml')]);
  assert.equal(cleaned.status, 0, cleaned.stderr);
  assert.match(cleaned.stdout, /^removed 3 skiff chain\(s\)/);
  const after = inNs(['iptables-save']).stdout;
  assert.doesNotMatch(after, /SKIFF/);
  assert.match(after, /:OTHER-CHAIN/, 'chains that are not skiff\'s stay');
});
