/** `skiff kubectl`: the built-in kubectl subset, so a fresh machine needs nothing else. */
import { defineCommand, type Command } from '../command.ts';
import { defineFlags } from '../flag.ts';
import { notAvailable } from '../not-available.ts';

const verbs: ReadonlyArray<readonly [string, string]> = [
  ['get', 'list resources or show one'],
  ['describe', 'show a resource in detail, with its events'],
  ['apply', 'create or update resources from a manifest (-f FILE)'],
  ['delete', 'delete resources'],
  ['logs', "print a container's logs"],
  ['exec', 'run a command in a container'],
  ['scale', 'set the replica count of a Deployment or ReplicaSet'],
  ['rollout', 'watch, pause, resume or undo a rollout'],
];

// The kubectl verbs keep their own arguments and flags, parsed by the built-in kubectl.
const subcommands: Command[] = verbs.map(([name, summary]) =>
  defineCommand({ name, summary, flags: defineFlags({}), passThrough: true, action: notAvailable }),
);

/** `skiff kubectl`. */
export const kubectlCommand = defineCommand({
  name: 'kubectl',
  summary: 'built-in kubectl subset (get, describe, apply, delete, logs, exec, scale, rollout)',
  description:
    'Talks to the local server with the admin kubeconfig. Arguments after the verb are those of\n' +
    'the real kubectl.',
  flags: defineFlags({}),
  subcommands,
  subcommandRequired: true,
  action: notAvailable,
});
