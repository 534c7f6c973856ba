/** `skiff kubectl`: the built-in kubectl subset, so a fresh machine needs nothing else. */
import { defineCommand, type Command } from '../command.ts';
import { defineFlags } from '../flag.ts';
import { runKubectl } from '../../kubectl/index.ts';

const verbs: ReadonlyArray<readonly [string, string]> = [
  ['get', 'list resources or show one (-o yaml|json|wide|name, -l, -A, -w)'],
  ['describe', 'show a resource in detail, with its events'],
  ['apply', 'create or update resources from a manifest (-f FILE|DIR|-), server-side'],
  ['create', 'create resources from a manifest (-f FILE|DIR|-)'],
  ['delete', 'delete resources by name, selector or manifest'],
  ['label', 'add, change or remove labels'],
  ['scale', 'set the replica count of a Deployment, ReplicaSet or StatefulSet'],
  ['rollout', 'wait for a Deployment rollout to finish (rollout status)'],
  ['logs', "print a container's logs (comes with the agent)"],
  ['exec', 'run a command in a container (comes with the agent)'],
];

// The verb goes back in front: the built-in kubectl parses its own arguments and flags.
const subcommands: Command[] = verbs.map(([name, summary]) =>
  defineCommand({
    name,
    summary,
    flags: defineFlags({}),
    passThrough: true,
    action: ({ args, io }) => runKubectl([name, ...args], io),
  }),
);

/** `skiff kubectl`: global flags such as --kubeconfig may come before the verb. */
export const kubectlCommand = defineCommand({
  name: 'kubectl',
  summary: 'built-in kubectl subset (get, describe, apply, create, delete, label, scale, rollout)',
  description:
    'Talks to the API server with --kubeconfig, else $KUBECONFIG, else /etc/skiff/skiff.yaml\n' +
    '(the server\'s admin kubeconfig), else ~/.kube/config. Arguments after the verb are\n' +
    'those of the real kubectl.',
  flags: defineFlags({}),
  subcommands,
  passThrough: true,
  action: ({ args, io }) => runKubectl(args, io),
});
