import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chooseUpstreams, parseNameservers, ResolvConfUpstreams, systemdResolvConf } from './resolv-conf.ts';

const files = (entries: Record<string, string>) => (path: string): string | null => entries[path] ?? null;

describe('upstream resolvers from resolv.conf', () => {
  it('reads nameserver lines in order, skipping comments and invalid addresses', () => {
    const text = '# generated\nsearch lan\nnameserver 192.0.2.53\nnameserver not-an-ip\n; nameserver 192.0.2.99\nnameserver 2001:db8::53 # v6\noptions ndots:1\n';
    assert.deepEqual(parseNameservers(text), ['192.0.2.53', '2001:db8::53']);
  });

  it("uses systemd-resolved's upstreams when /etc/resolv.conf names only its loopback stub", () => {
    const read = files({ '/etc/resolv.conf': 'nameserver 127.0.0.53\noptions edns0\n', [systemdResolvConf]: 'nameserver 192.0.2.1\nnameserver 192.0.2.2\n' });
    assert.deepEqual(chooseUpstreams(undefined, read), [{ address: '192.0.2.1', port: 53 }, { address: '192.0.2.2', port: 53 }]);
  });

  it('keeps a loopback resolver when nothing better is known, since the agent runs on the host', () => {
    const read = files({ '/etc/resolv.conf': 'nameserver 127.0.0.53\n' });
    assert.deepEqual(chooseUpstreams(undefined, read), [{ address: '127.0.0.53', port: 53 }]);
  });

  it('takes an explicitly named file as written', () => {
    const read = files({ '/etc/skiff/resolv.conf': 'nameserver 127.0.0.2\n', [systemdResolvConf]: 'nameserver 192.0.2.1\n' });
    assert.deepEqual(chooseUpstreams('/etc/skiff/resolv.conf', read), [{ address: '127.0.0.2', port: 53 }]);
  });

  it('reads the file again once it changed and the check interval passed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-resolv-'));
    try {
      const path = join(dir, 'resolv.conf');
      writeFileSync(path, 'nameserver 192.0.2.1\n');
      let now = 0;
      const upstreams = new ResolvConfUpstreams(path, { checkMs: 1000, now: () => now });
      assert.deepEqual(upstreams.current().map((u) => u.address), ['192.0.2.1']);
      writeFileSync(path, 'nameserver 192.0.2.2\n');
      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      assert.deepEqual(upstreams.current().map((u) => u.address), ['192.0.2.1'], 'not yet checked again');
      now = 1000;
      assert.deepEqual(upstreams.current().map((u) => u.address), ['192.0.2.2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
