/** `skiff server`: flag table and action of the control plane command. */
import { defineCommand } from '../command.ts';
import { boolFlag, defineFlags, durationFlag, intFlag, listFlag, stringFlag } from '../flag.ts';
import { cidr, portRange, dnsName, hostOrIp, ipAddress, nonEmpty, nonNegative, port, positive } from '../validate.ts';
import { runServerCommand } from './server-action.ts';
import { serverLeaveCommand } from './server-leave.ts';
import { snapshotDirFlags } from './snapshot.ts';
import { cronProblem } from '../../server/snapshots/schedule.ts';
import { configFlags, dataDirFlags, kubeletPortFlags, logLevelFlags, nodeNameFlags } from './common-flags.ts';

/** Flags of `skiff server` (and of `skiff server join`). */
export const serverFlags = {
  ...configFlags,
  ...dataDirFlags,
  ...defineFlags({
    'write-kubeconfig': stringFlag({
      default: '/etc/skiff/skiff.yaml',
      help: 'where to write the admin kubeconfig (mode 0600)',
      check: nonEmpty,
    }),
    'tls-san': listFlag({
      default: [],
      example: 'skiff.example.com',
      help: 'extra DNS name or IP for the API server certificate (repeatable, or comma-separated)',
      check: hostOrIp,
    }),
    'bind-address': stringFlag({
      default: '0.0.0.0',
      help: 'address the API server listens on',
      check: ipAddress,
    }),
    'https-listen-port': intFlag({ default: 6443, help: 'HTTPS port of the API server and agent join', check: port }),
    'cluster-cidr': stringFlag({ default: '10.42.0.0/16', help: 'pod network; each node gets a /24 of it', check: cidr }),
    'service-cidr': stringFlag({ default: '10.43.0.0/16', help: 'network for Service cluster IPs', check: cidr }),
    'service-node-port-range': stringFlag({ default: '30000-32767', help: 'ports NodePort Services are given', check: portRange }),
    'cluster-dns': stringFlag({ default: '10.43.0.10', help: 'cluster IP of the DNS service', check: ipAddress }),
    'cluster-domain': stringFlag({ default: 'cluster.local', help: 'DNS domain of the cluster', check: dnsName }),
  }),
  ...nodeNameFlags,
  ...kubeletPortFlags,
  ...defineFlags({
    'disable-agent': boolFlag({ help: 'run only the control plane, no embedded agent on this machine' }),
    'disable-scheduler': boolFlag({ help: 'do not run the scheduler (pods then need spec.nodeName)' }),
    'disable-controller-manager': boolFlag({ help: 'do not run the controllers (workloads, endpoints, nodes, garbage collection)' }),
    'cluster-init': boolFlag({ help: 'start a new HA control plane that other servers can join (serves the Raft peer port)' }),
    'peer-port': intFlag({ default: 6444, help: 'port of Raft traffic between servers (mutual TLS)', check: port }),
    'raft-compact-entries': intFlag({
      default: 10000,
      help: 'applied Raft entries between compactions of the Raft log (a server further behind catches up by snapshot)',
      check: positive,
    }),
    'datastore-compact-interval': durationFlag({
      default: '5m',
      help: 'how often the datastore drops old revisions',
      check: nonNegative,
    }),
    'datastore-compact-window': intFlag({
      default: 1000,
      help: 'number of most recent revisions compaction always keeps',
      check: positive,
    }),
    'node-monitor-grace-period': durationFlag({
      default: '40s',
      help: 'how long a node may go without renewing its Lease before it is marked NotReady (Unknown)',
      check: (ms) => (ms >= 1000 ? undefined : 'want a duration of at least 1s'),
    }),
    'default-not-ready-toleration-seconds': intFlag({
      default: 300,
      help: 'seconds new pods tolerate the node.kubernetes.io/not-ready NoExecute taint unless they say otherwise',
      check: (seconds) => (seconds >= 0 ? undefined : 'want a whole number of 0 or more'),
    }),
    'default-unreachable-toleration-seconds': intFlag({
      default: 300,
      help: 'seconds new pods tolerate the node.kubernetes.io/unreachable NoExecute taint unless they say otherwise',
      check: (seconds) => (seconds >= 0 ? undefined : 'want a whole number of 0 or more'),
    }),
  }),
  ...snapshotDirFlags,
  ...defineFlags({
    'snapshot-schedule-cron': stringFlag({
      default: '0 */12 * * *',
      help: "when to save scheduled datastore snapshots (cron, server time zone); '' turns them off",
      check: cronProblem,
    }),
    'snapshot-retention': intFlag({ default: 5, help: 'scheduled snapshots of this node to keep; older ones are deleted', check: positive }),
    'disable-snapshots': boolFlag({ help: 'save no scheduled datastore snapshots' }),
  }),
  ...logLevelFlags,
};

const join = defineCommand({
  name: 'join',
  summary: 'join an existing HA control plane as another server (Raft voter)',
  flags: serverFlags,
  args: [{ name: 'token', required: true }],
  readsConfig: true,
  action: (invocation) => runServerCommand(invocation, invocation.args[0] ?? ''),
});

/** `skiff server`. */
export const serverCommand = defineCommand({
  name: 'server',
  summary: 'run the control plane, plus an embedded agent unless --disable-agent',
  description:
    'Runs the API server, datastore, scheduler and controllers on this machine, writes the admin\n' +
    'kubeconfig and a join token, and (unless --disable-agent) runs an agent here too.',
  flags: serverFlags,
  readsConfig: true,
  subcommands: [join, serverLeaveCommand],
  action: (invocation) => runServerCommand(invocation),
});
