import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defineCommand, type CliIo } from './command.ts';
import { serverFlags } from './commands/server.ts';
import type { SettingsOf } from './flag.ts';
import { UsageError } from './usage-error.ts';

type ServerSettings = SettingsOf<typeof serverFlags>;

/** Runs a command with the server's flag table and returns the settings it resolved. */
async function resolve(
  args: readonly string[],
  options: { env?: Record<string, string>; config?: string; defaultConfig?: string } = {},
): Promise<ServerSettings> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-settings-'));
  const defaultConfigPath = join(dir, 'config.yaml');
  if (options.defaultConfig !== undefined) writeFileSync(defaultConfigPath, options.defaultConfig);
  const env: Record<string, string> = { ...options.env };
  if (options.config !== undefined) {
    const named = join(dir, 'named.yaml');
    writeFileSync(named, options.config);
    env['SKIFF_CONFIG'] = named;
  }
  let seen: ServerSettings | undefined;
  const command = defineCommand({
    name: 'server',
    summary: 'test',
    flags: serverFlags,
    readsConfig: true,
    async action({ settings }) {
      seen = settings;
      return 0;
    },
  });
  const io: CliIo = { env, stdout: () => {}, stderr: () => {}, defaultConfigPath };
  const configKeys = new Set(Object.keys(serverFlags).filter((k) => k !== 'config'));
  try {
    await command.run(args, { command: 'skiff server', io, configKeys });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(seen !== undefined);
  return seen;
}

test('defaults apply when no flag, variable or config key sets a value', async () => {
  const settings = await resolve([]);
  assert.equal(settings['data-dir'], '/var/lib/skiff');
  assert.equal(settings['write-kubeconfig'], '/etc/skiff/skiff.yaml');
  assert.equal(settings['https-listen-port'], 6443);
  assert.equal(settings['cluster-cidr'], '10.42.0.0/16');
  assert.equal(settings['service-cidr'], '10.43.0.0/16');
  assert.equal(settings['cluster-dns'], '10.43.0.10');
  assert.equal(settings['cluster-domain'], 'cluster.local');
  assert.equal(settings['datastore-compact-interval'], 300_000);
  assert.equal(settings['datastore-compact-window'], 1000);
  assert.equal(settings['disable-agent'], false);
  assert.equal(settings['log-level'], 'info');
  assert.deepEqual(settings['tls-san'], []);
});

test('a flag beats the environment, which beats the config file, which beats the default', async () => {
  const config = 'data-dir: /from/file\nnode-name: file-node\nlog-level: warn\nhttps-listen-port: 7443\n';
  const env = { SKIFF_DATA_DIR: '/from/env', SKIFF_NODE_NAME: 'env-node' };
  const settings = await resolve(['--data-dir', '/from/flag'], { env, config });
  assert.equal(settings['data-dir'], '/from/flag');
  assert.equal(settings['node-name'], 'env-node');
  assert.equal(settings['log-level'], 'warn');
  assert.equal(settings['https-listen-port'], 7443);
  assert.equal(settings['cluster-domain'], 'cluster.local');
});

test('the default config file is read when it exists and ignored when it does not', async () => {
  assert.equal((await resolve([], { defaultConfig: 'data-dir: /srv/skiff\n' }))['data-dir'], '/srv/skiff');
  assert.equal((await resolve([]))['data-dir'], '/var/lib/skiff');
});

test('an empty environment variable counts as unset', async () => {
  const settings = await resolve([], { env: { SKIFF_DATA_DIR: '' }, config: 'data-dir: /from/file\n' });
  assert.equal(settings['data-dir'], '/from/file');
});

test('list flags repeat and split on commas, and a higher source replaces a lower one whole', async () => {
  const config = 'tls-san: [file.example.com, 192.0.2.1]\n';
  assert.deepEqual((await resolve([], { config }))['tls-san'], ['file.example.com', '192.0.2.1']);
  assert.deepEqual((await resolve([], { config, env: { SKIFF_TLS_SAN: 'a.example.com,b.example.com' } }))['tls-san'], [
    'a.example.com',
    'b.example.com',
  ]);
  const fromFlags = await resolve(['--tls-san', 'x.example.com', '--tls-san=y.example.com,192.0.2.9'], { config });
  assert.deepEqual(fromFlags['tls-san'], ['x.example.com', 'y.example.com', '192.0.2.9']);
});

test('switches read bare, with =false, from variables and from YAML booleans', async () => {
  assert.equal((await resolve(['--disable-agent']))['disable-agent'], true);
  assert.equal((await resolve(['--disable-agent=false'], { env: { SKIFF_DISABLE_AGENT: 'true' } }))['disable-agent'], false);
  assert.equal((await resolve([], { env: { SKIFF_DISABLE_AGENT: '1' } }))['disable-agent'], true);
  assert.equal((await resolve([], { config: 'cluster-init: true\n' }))['cluster-init'], true);
});

test('durations and whole numbers are typed whatever their source', async () => {
  const settings = await resolve(['--datastore-compact-interval=1h30m'], {
    config: 'datastore-compact-window: 50\n',
  });
  assert.equal(settings['datastore-compact-interval'], 5_400_000);
  assert.equal(settings['datastore-compact-window'], 50);
  assert.equal((await resolve([], { env: { SKIFF_DATASTORE_COMPACT_INTERVAL: '30s' } }))['datastore-compact-interval'], 30_000);
});

test('the last of a repeated single-value flag wins', async () => {
  assert.equal((await resolve(['--data-dir=/a', '--data-dir=/b']))['data-dir'], '/b');
});

test('a bad value names where it came from and how to fix it', async () => {
  await assert.rejects(resolve(['--https-listen-port=abc']), {
    name: 'UsageError',
    message:
      'invalid value "abc" for flag --https-listen-port of "skiff server": want a whole number, e.g. --https-listen-port=6443',
  });
  await assert.rejects(resolve([], { env: { SKIFF_CLUSTER_CIDR: '10.42.0.0' } }), {
    message:
      'invalid value "10.42.0.0" in environment variable SKIFF_CLUSTER_CIDR (flag --cluster-cidr): ' +
      'want a network in CIDR notation such as 10.42.0.0/16, e.g. SKIFF_CLUSTER_CIDR=10.42.0.0/16; fix or unset SKIFF_CLUSTER_CIDR',
  });
  await assert.rejects(resolve([], { config: 'log-level: loud\n' }), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /^invalid value "loud" for key log-level in config file \/.*named\.yaml: want one of error, warn, info, debug; fix that key in the file$/);
    return true;
  });
});

test('a value that is valid for a lower source does not hide a bad higher one', async () => {
  await assert.rejects(resolve(['--datastore-compact-interval=5x'], { config: 'datastore-compact-interval: 5m\n' }), {
    message: /invalid value "5x" for flag --datastore-compact-interval/,
  });
});

test('an unknown key in the config file is an error naming the file and the key', async () => {
  await assert.rejects(resolve([], { config: 'data-dir: /x\nclustr-cidr: 10.42.0.0/16\n' }), {
    message: /^unknown key "clustr-cidr" in config file \/.*named\.yaml; remove it or use a flag name from 'skiff server --help' as the key$/,
  });
});

test('a config file named by SKIFF_CONFIG or --config must exist', async () => {
  await assert.rejects(resolve([], { env: { SKIFF_CONFIG: '/nonexistent/skiff.yaml' } }), {
    message: 'config file /nonexistent/skiff.yaml named by SKIFF_CONFIG does not exist; create it or point SKIFF_CONFIG at an existing file',
  });
  await assert.rejects(resolve(['--config', '/nonexistent/skiff.yaml']), {
    message: 'config file /nonexistent/skiff.yaml named by --config does not exist; create it or point --config at an existing file',
  });
});

test('a config file that is not a YAML mapping is rejected', async () => {
  await assert.rejects(resolve([], { config: '- data-dir\n' }), { message: /must be a mapping of flag names to values/ });
  await assert.rejects(resolve([], { config: 'data-dir: [\n' }), { message: /is not valid YAML: .*; fix the file$/ });
  await assert.rejects(resolve([], { config: 'data-dir: /a\ndata-dir: /b\n' }), { message: /is not valid YAML/ });
});
