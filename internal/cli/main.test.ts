import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { commands, main } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'skiff-main-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process with its own environment and a default config path in a temp dir. */
async function run(argv: readonly string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    defaultConfigPath: join(dir, 'absent-default.yaml'),
  });
  return { code, stdout, stderr };
}

/** Asserts a usage error: exit code 2, nothing on stdout, exactly one line on stderr. */
async function usageError(argv: readonly string[], line: string | RegExp, env: Record<string, string> = {}) {
  const result = await run(argv, env);
  assert.equal(result.code, 2, `exit code of skiff ${argv.join(' ')}`);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr.split('\n').length, 2, `one line: ${result.stderr}`);
  assert.ok(result.stderr.endsWith('\n'));
  if (typeof line === 'string') assert.equal(result.stderr, `${line}\n`);
  else assert.match(result.stderr.trimEnd(), line);
}

test('skiff --help, skiff -h and skiff help list every command and exit 0', async () => {
  for (const argv of [['--help'], ['-h'], ['help']]) {
    const result = await run(argv);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    for (const command of commands) assert.match(result.stdout, new RegExp(`^  ${command.name} `, 'm'));
  }
});

test('every command and subcommand has a help page that lists its flags with their variables', async () => {
  const pages: string[][] = [];
  for (const command of commands) {
    pages.push([command.name]);
    for (const sub of command.subcommands) pages.push([command.name, sub.name]);
  }
  for (const path of pages) {
    for (const argv of [[...path, '--help'], ['help', ...path], [...path, '-h']]) {
      const result = await run(argv);
      assert.equal(result.code, 0, argv.join(' '));
      assert.ok(result.stdout.startsWith(`skiff ${path.join(' ')}: `), result.stdout);
    }
  }
  const server = (await run(['server', '--help'])).stdout;
  // Long flag names push the help text to the right, so a line may wrap before the default.
  assert.match(server, /--https-listen-port int +HTTPS port [^[]*\(default\s+6443\)\s+\[\$SKIFF_HTTPS_LISTEN_PORT\]/);
  assert.match(server, /--log-level error\|warn\|info\|debug/);
  assert.match(server, /skiff server join <token> \[flags\]/);
  const token = (await run(['token', '--help'])).stdout;
  assert.match(token, /^  create /m);
  assert.match(token, /^  list /m);
  assert.match(token, /^  delete /m);
});

test('help wins over other mistakes on the same command line', async () => {
  const result = await run(['server', '--bogus', '--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^skiff server: /);
});

test('server join with a malformed token fails in one line saying what a token looks like, before touching anything', async () => {
  const result = await run(['server', 'join', 'K10abc']);
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^skiff: Cannot use the join token as it is not in the form K10<64 hex digits of the CA hash>::<id>\.<secret>.*\n$/);
});

test('commands not built yet say so in one line and exit 1 after their flags parse', async () => {
  const cases: Array<[string[], string]> = [
    [['check'], 'skiff check'],
  ];
  for (const [argv, typed] of cases) {
    const result = await run(argv);
    assert.equal(result.code, 1, argv.join(' '));
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      `${typed}: not available yet in skiff 0.1.0\n`,
    );
  }
});

test('skiff version reports the build, the runtime and the SQLite that actually loaded', async () => {
  const result = await run(['version']);
  assert.equal(result.code, 0);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  assert.deepEqual(lines.slice(0, 6), [
    'skiff version v0.1.0',
    'git commit: dev',
    'build date: unknown',
    `node: ${process.version}`,
    `platform: ${process.platform}`,
    `arch: ${process.arch}`,
  ]);
  assert.match(lines[6] ?? '', /^sqlite: 3\.\d+\.\d+$/);
  assert.equal((await run(['--version'])).stdout, result.stdout);
});

test('a missing or unknown command is one line with the fix and exit 2', async () => {
  await usageError([], "skiff: missing command; run 'skiff --help' to list commands");
  await usageError(['serve'], `skiff: unknown command "serve"; run 'skiff --help' to list commands`);
  await usageError(['help', 'serve'], `skiff: unknown command "serve"; run 'skiff --help' to list commands`);
  await usageError(['--data-dir=/x', 'server'], /^skiff: unknown flag --data-dir for "skiff"; /);
});

test('subcommands that are missing or unknown are one line with the fix and exit 2', async () => {
  await usageError(['token'], `skiff: "skiff token" needs a subcommand first (create, list, delete); run 'skiff token --help' for usage`);
  await usageError(['snapshot', 'take'], `skiff: unknown subcommand "take" for "skiff snapshot"; run 'skiff snapshot --help' to list subcommands`);
  await usageError(['kubectl', 'frobnicate'], /^skiff: unknown subcommand "frobnicate" for "skiff kubectl"; /);
  await usageError(['help', 'token', 'mint'], /^skiff: unknown subcommand "mint" for "skiff token"; /);
});

test('unknown flags, missing values and bad values are one line with the fix and exit 2', async () => {
  await usageError(['server', '--foo'], `skiff: unknown flag --foo for "skiff server"; run 'skiff server --help' to list flags`);
  await usageError(['server', '-x'], `skiff: unknown flag -x for "skiff server"; run 'skiff server --help' to list flags`);
  await usageError(['agent', '--cluster-cidr=10.42.0.0/16'], /^skiff: unknown flag --cluster-cidr for "skiff agent"; /);
  await usageError(['version', '--json'], `skiff: unknown flag --json for "skiff version"; run 'skiff version --help' to list flags`);
  await usageError(['server', '--data-dir'], 'skiff: flag --data-dir for "skiff server" needs a value, e.g. --data-dir=/var/lib/skiff');
  await usageError(['server', '--node-name', '--disable-agent'], /^skiff: flag --node-name for "skiff server" needs a value, e\.g\. --node-name=pi-01 /);
  await usageError(
    ['server', '--https-listen-port=abc'],
    'skiff: invalid value "abc" for flag --https-listen-port of "skiff server": want a whole number, e.g. --https-listen-port=6443',
  );
  await usageError(['server', '--datastore-compact-interval', '5 minutes'], /want a duration such as 30s, 5m, 12h or 1h30m/);
  await usageError(['server', '--log-level=verbose'], /--log-level of "skiff server": want one of error, warn, info, debug$/);
  await usageError(['server', '--cluster-dns=10.43.0.300'], /want an IPv4 or IPv6 address/);
  await usageError(['server', '--service-cidr=10.43.0.0/8'], /host bits set/);
  await usageError(['server', '--tls-san=ok.example.com,not ok'], /bad item "not ok"/);
  await usageError(['server', '--disable-agent=maybe'], /want true or false$/);
  await usageError(['agent', '--proxy-mode=nftables', '--server=https://a:6443', '--token=t'], /want one of iptables, ipvs$/);
  await usageError(['token', 'create', '--ttl=forever'], /--ttl of "skiff token create": want a duration/);
});

test('unexpected or missing positional arguments are one line with the fix and exit 2', async () => {
  await usageError(['server', 'now'], `skiff: unexpected argument "now" for "skiff server"; run 'skiff server --help' for usage`);
  await usageError(['agent', 'join'], /^skiff: "skiff agent join" needs <token>, /);
  await usageError(['image', 'import'], /^skiff: "skiff image import" needs <file\.tar>, /);
  await usageError(['version', 'now'], /^skiff: unexpected argument "now" for "skiff version"/);
});

test('an agent without a server or token says which is missing and exits 2', async () => {
  await usageError(['agent', '--token=t'], /^skiff: "skiff agent" needs --server \(or SKIFF_SERVER\); /);
  await usageError(['agent'], /needs --server/, { SKIFF_TOKEN: 't' });
  await usageError(['agent', '--server=https://192.0.2.10:6443'], /needs --token \(or SKIFF_TOKEN\)/);
  // Both given: the token itself is then checked (exit 78 for one that is malformed).
  const fromEnv = await run(['agent'], { SKIFF_SERVER: 'https://192.0.2.10:6443', SKIFF_TOKEN: 't' });
  assert.equal(fromEnv.code, 78);
  assert.match(fromEnv.stderr, /^skiff: Cannot use the join token as it is not in the form K10/);
});

test('config file and environment mistakes are one line naming the source and exit 2', async () => {
  const config = join(dir, 'bad-key.yaml');
  writeFileSync(config, 'data-dir: /srv/skiff\ntls-sans: [a]\n');
  await usageError(
    ['server', '--config', config],
    `skiff: unknown key "tls-sans" in config file ${config}; remove it or use a flag name from 'skiff server --help' as the key`,
  );
  await usageError(['check'], /^skiff: unknown key "tls-sans" in config file /, { SKIFF_CONFIG: config });
  await usageError(['server'], /in environment variable SKIFF_HTTPS_LISTEN_PORT .*fix or unset SKIFF_HTTPS_LISTEN_PORT$/, {
    SKIFF_HTTPS_LISTEN_PORT: '99999',
  });
  await usageError(['server', '--config', join(dir, 'nope.yaml')], /named by --config does not exist/);
});

test('keys of other commands in a shared config file are accepted and ignored', async () => {
  const config = join(dir, 'shared.yaml');
  writeFileSync(config, 'cluster-cidr: 10.42.0.0/16\nproxy-mode: ipvs\nserver: https://192.0.2.10:6443\ntoken: t\n');
  assert.equal((await run(['agent', '--config', config])).code, 78, 'the config parsed; the token "t" is then refused');
  assert.equal((await run(['snapshot', 'ls', '--config', config, '--data-dir', join(dir, 'no-server')])).code, 0);
});

test('per-invocation flags cannot be set from the config file', async () => {
  const config = join(dir, 'ttl.yaml');
  writeFileSync(config, 'ttl: 1h\n');
  await usageError(['token', 'create', '--config', config], /^skiff: unknown key "ttl" in config file /);
});

test('skiff token away from a server says where the admin kubeconfig was looked for, exit 78', async () => {
  const result = await run(['token', 'list', '--data-dir', join(dir, 'no-server')]);
  assert.equal(result.code, 78);
  assert.match(result.stderr, /^skiff: Cannot reach the cluster as .*no-server\/server\/cred\/admin\.kubeconfig does not exist: run this on a server machine/);
});
