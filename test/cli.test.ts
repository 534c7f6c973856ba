/**
 * The skiff command line as a user meets it: `node cmd/skiff/main.ts ...` run as a real
 * process, with its environment and config file in a temp dir.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'cmd', 'skiff', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const emptyConfig = join(dir, 'empty.yaml');
writeFileSync(emptyConfig, '');

/** Runs skiff from source with only the given environment (plus PATH and HOME). */
function skiff(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [entry, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: dir, SKIFF_CONFIG: emptyConfig, ...env },
  });
  assert.equal(result.error, undefined);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const notAvailable = (typed: string): string =>
  `${typed}: not available yet in skiff 0.1.0\n`;

test('skiff version prints the version, build, runtime and SQLite lines and exits 0', () => {
  const { code, stdout, stderr } = skiff(['version']);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  assert.match(
    stdout,
    new RegExp(
      '^skiff version v0\\.1\\.0\ngit commit: dev\nbuild date: unknown\n' +
        `node: v24\\.21\\.0\nplatform: linux\narch: ${process.arch}\nsqlite: 3\\.\\d+\\.\\d+\n$`,
    ),
  );
});

test('skiff --help and skiff server --help print help on stdout and exit 0', () => {
  const root = skiff(['--help']);
  assert.equal(root.code, 0);
  assert.match(root.stdout, /^Commands:$/m);
  const server = skiff(['server', '--help']);
  assert.equal(server.code, 0);
  assert.match(server.stdout, /--data-dir string/);
  assert.equal(server.stderr, '');
});

test('a command not built yet exits 1 with one line once its flags and config parse', () => {
  const config = configFile('check.yaml', 'data-dir: /srv/skiff\n');
  const { code, stdout, stderr } = skiff(['check', '--config', config]);
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.equal(stderr, notAvailable('skiff check'));
});

test('skiff snapshot ls takes its data directory from the config file', () => {
  const config = configFile('snapshot.yaml', 'data-dir: /srv/skiff\n');
  const { code, stdout, stderr } = skiff(['snapshot', 'ls', '--config', config]);
  assert.equal(code, 0);
  assert.equal(stdout, 'no snapshots in /srv/skiff/server/db/snapshots\n');
  assert.equal(stderr, '');
});

const agentArgs = ['agent', '--server', 'https://192.0.2.10:6443', '--token', 't'];
/** Once its settings are read the agent checks the token, and "t" is not one. */
const badToken = /^skiff: Cannot use the join token as it is not in the form K10/;

test('a flag overrides a bad environment variable, which is then never read', () => {
  const env = { SKIFF_PROXY_MODE: 'bogus' };
  assert.match(skiff([...agentArgs, '--proxy-mode', 'ipvs'], env).stderr, badToken);
  const withoutFlag = skiff(agentArgs, env);
  assert.equal(withoutFlag.code, 2);
  assert.equal(
    withoutFlag.stderr,
    'skiff: invalid value "bogus" in environment variable SKIFF_PROXY_MODE (flag --proxy-mode): ' +
      'want one of iptables, ipvs; fix or unset SKIFF_PROXY_MODE\n',
  );
});

test('an environment variable overrides a bad config key, and the config key is used without it', () => {
  const config = configFile('bad-mode.yaml', 'proxy-mode: bogus\n');
  const overridden = skiff(agentArgs, { SKIFF_CONFIG: config, SKIFF_PROXY_MODE: 'ipvs' });
  assert.equal(overridden.code, 78);
  assert.match(overridden.stderr, badToken);
  const fromFile = skiff(agentArgs, { SKIFF_CONFIG: config });
  assert.equal(fromFile.code, 2);
  assert.equal(
    fromFile.stderr,
    `skiff: invalid value "bogus" for key proxy-mode in config file ${config}: want one of iptables, ipvs; fix that key in the file\n`,
  );
});

test('an unknown config key exits 2 with one line naming the file and the key', () => {
  const config = configFile('unknown.yaml', 'data-dir: /srv/skiff\ndatadir: /oops\n');
  const { code, stdout, stderr } = skiff(['agent', '--config', config]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(
    stderr,
    `skiff: unknown key "datadir" in config file ${config}; remove it or use a flag name from 'skiff agent --help' as the key\n`,
  );
});

test('a config file named by --config or SKIFF_CONFIG must exist', () => {
  const missing = join(dir, 'missing.yaml');
  const named = skiff(['check', '--config', missing]);
  assert.equal(named.code, 2);
  assert.equal(
    named.stderr,
    `skiff: config file ${missing} named by --config does not exist; create it or point --config at an existing file\n`,
  );
  const viaEnv = skiff(['check'], { SKIFF_CONFIG: missing });
  assert.equal(viaEnv.code, 2);
  assert.match(viaEnv.stderr, /named by SKIFF_CONFIG does not exist/);
});

test('usage mistakes exit 2 with exactly one line on stderr and nothing on stdout', () => {
  const cases: Array<[string[], string]> = [
    [['server', '--foo'], `skiff: unknown flag --foo for "skiff server"; run 'skiff server --help' to list flags`],
    [['frob'], `skiff: unknown command "frob"; run 'skiff --help' to list commands`],
    [
      ['server', '--https-listen-port=abc'],
      'skiff: invalid value "abc" for flag --https-listen-port of "skiff server": want a whole number, e.g. --https-listen-port=6443',
    ],
    [
      ['server', '--datastore-compact-interval=10'],
      'skiff: invalid value "10" for flag --datastore-compact-interval of "skiff server": ' +
        'want a duration such as 30s, 5m, 12h or 1h30m, e.g. --datastore-compact-interval=5m',
    ],
    [['server', '--data-dir'], 'skiff: flag --data-dir for "skiff server" needs a value, e.g. --data-dir=/var/lib/skiff'],
    [['token'], `skiff: "skiff token" needs a subcommand first (create, list, delete); run 'skiff token --help' for usage`],
  ];
  for (const [args, line] of cases) {
    const { code, stdout, stderr } = skiff(args);
    assert.equal(code, 2, args.join(' '));
    assert.equal(stdout, '');
    assert.equal(stderr, `${line}\n`);
  }
});
