/** `skiff agent`: flag table and action of the worker node command. */
import { defineCommand, type Invocation } from '../command.ts';
import { boolFlag, choiceFlag, defineFlags, stringFlag } from '../flag.ts';
import { runAgentCommand } from './agent-action.ts';
import { cleanupAllProxyRules } from '../../agent/proxy/index.ts';
import { serverUrl } from '../validate.ts';
import { UsageError } from '../usage-error.ts';
import { configFlags, dataDirFlags, kubeletPortFlags, logLevelFlags, nodeNameFlags } from './common-flags.ts';

/** Service proxy implementations an agent can program. */
export const proxyModes = ['iptables', 'ipvs'] as const;

/** Flags of `skiff agent` (and of `skiff agent join`). */
export const agentFlags = {
  ...configFlags,
  ...defineFlags({
    server: stringFlag({
      default: '',
      example: 'https://192.0.2.10:6443',
      help: 'URL of a skiff server to join',
      check: serverUrl,
    }),
    token: stringFlag({ default: '', example: 'TOKEN', help: "join token from 'skiff token create'" }),
  }),
  ...dataDirFlags,
  ...nodeNameFlags,
  ...kubeletPortFlags,
  ...defineFlags({
    'proxy-mode': choiceFlag(proxyModes, { default: 'iptables', help: 'how Service traffic is routed' }),
    cleanup: boolFlag({
      help: "on stop, remove this node's Service rules; alone (no --server/--token), remove every skiff rule on this machine and exit",
    }),
  }),
  ...logLevelFlags,
};

const join = defineCommand({
  name: 'join',
  summary: 'join a cluster with a token (the server comes from the token or --server)',
  flags: agentFlags,
  args: [{ name: 'token', required: true }],
  readsConfig: true,
  action: (invocation) => runAgentCommand(invocation, invocation.args[0] ?? ''),
});

async function runAgent(invocation: Invocation<typeof agentFlags>): Promise<number> {
  const { settings, command } = invocation;
  // `skiff agent --cleanup` alone: remove what agents left on this machine and exit.
  if (settings.cleanup && settings.server === '' && settings.token === '') {
    const removed = await cleanupAllProxyRules();
    process.stdout.write(`removed ${removed} skiff chain(s) and every rule jumping to them\n`);
    return 0;
  }
  if (settings.server === '' || settings.token === '') {
    const missing = settings.server === '' ? '--server' : '--token';
    throw new UsageError(
      `"${command}" needs ${missing} (or SKIFF_${missing.slice(2).toUpperCase()}); ` +
        `e.g. '${command} --server https://192.0.2.10:6443 --token TOKEN', or use 'skiff agent join <token>'`,
    );
  }
  return runAgentCommand(invocation, settings.token);
}

/** `skiff agent`. */
export const agentCommand = defineCommand({
  name: 'agent',
  summary: 'run a worker node that joins a cluster',
  description:
    'Runs the kubelet (Docker), Service proxy, DNS and pod network of this machine for the cluster\n' +
    "at --server, authenticating with --token. Running containers survive restarts of the agent.",
  flags: agentFlags,
  readsConfig: true,
  subcommands: [join],
  action: runAgent,
});
