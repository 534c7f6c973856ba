/**
 * Flags shared by several commands. Each command spreads the ones it takes into its own
 * table, so a key means the same thing in every command and in the config file.
 */
import { choiceFlag, defineFlags, intFlag, stringFlag } from '../flag.ts';
import { listenPort, nodeName, nonEmpty } from '../validate.ts';

/** The config file location every config-reading command accepts. */
export const defaultConfigPath = '/etc/skiff/config.yaml';

/** The data directory default; `server/` and `agent/` live beneath it. */
export const defaultDataDir = '/var/lib/skiff';

/** --config: where flag defaults are read from. */
export const configFlags = defineFlags({
  config: stringFlag({
    default: defaultConfigPath,
    help: 'YAML file of settings whose keys are flag names; a missing default file is fine',
    check: nonEmpty,
  }),
});

/** --data-dir: where this machine's skiff state lives. */
export const dataDirFlags = defineFlags({
  'data-dir': stringFlag({
    default: defaultDataDir,
    help: 'directory for all skiff state (server/ and agent/ beneath it)',
    check: nonEmpty,
  }),
});

/** --node-name: the Kubernetes Node name of this machine. */
export const nodeNameFlags = defineFlags({
  'node-name': stringFlag({
    default: '',
    defaultText: "this machine's host name",
    example: 'pi-01',
    help: 'name of this machine as a Kubernetes Node',
    check: nodeName,
  }),
});

/** --kubelet-port: where the node agent serves logs, exec and port-forward to the API server. */
export const kubeletPortFlags = defineFlags({
  'kubelet-port': intFlag({
    default: 10250,
    help: "HTTPS port of this node's agent API (logs, exec, port-forward); 0 picks a free port",
    check: listenPort,
  }),
});

/** The log levels, most to least severe. */
export const logLevels = ['error', 'warn', 'info', 'debug'] as const;

/** --log-level: how much a long-running command logs. */
export const logLevelFlags = defineFlags({
  'log-level': choiceFlag(logLevels, { default: 'info', help: 'least severe messages to log' }),
});
