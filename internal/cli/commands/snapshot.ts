/** `skiff snapshot`: datastore snapshots, as `k3s etcd-snapshot`. */
import { defineCommand } from '../command.ts';
import { defineFlags, stringFlag } from '../flag.ts';
import { notAvailable } from '../not-available.ts';
import { defaultSnapshotName, snapshotNameProblem } from '../../server/snapshots/naming.ts';
import { configFlags, dataDirFlags, nodeNameFlags } from './common-flags.ts';
import { listSnapshotsAction, restoreSnapshotAction, saveSnapshotAction } from './snapshot-actions.ts';

/** --snapshot-dir: shared by `skiff server` (scheduled and requested snapshots) and `skiff snapshot`. */
export const snapshotDirFlags = defineFlags({
  'snapshot-dir': stringFlag({
    default: '',
    defaultText: '<data-dir>/server/db/snapshots',
    example: '/var/backups/skiff',
    help: 'directory datastore snapshots are written to and listed from',
  }),
});

/** Flags every snapshot subcommand takes. */
export const snapshotFlags = { ...configFlags, ...dataDirFlags, ...snapshotDirFlags };

/** Flags of `skiff snapshot restore`. */
export const snapshotRestoreFlags = { ...snapshotFlags, ...nodeNameFlags };

/** Flags of `skiff snapshot save`. */
export const snapshotSaveFlags = {
  ...snapshotFlags,
  ...nodeNameFlags,
  ...defineFlags({
    name: stringFlag({
      default: defaultSnapshotName,
      help: 'snapshot name; the file is <name>-<node-name>-<unix-seconds>',
      example: 'before-upgrade',
      check: snapshotNameProblem,
      env: null,
      inConfig: false,
    }),
    kubeconfig: stringFlag({
      default: '',
      defaultText: "<data-dir>/server/cred/admin.kubeconfig, else /etc/skiff/skiff.yaml (written by 'skiff server')",
      example: '/etc/skiff/skiff.yaml',
      help: 'admin kubeconfig used to ask the running server for the snapshot',
      env: null,
      inConfig: false,
    }),
  }),
};

/** `skiff snapshot`. */
export const snapshotCommand = defineCommand({
  name: 'snapshot',
  summary: 'save, restore and list datastore snapshots',
  flags: defineFlags({}),
  subcommandRequired: true,
  subcommands: [
    defineCommand({
      name: 'save',
      summary: 'save a snapshot of the datastore',
      description:
        'Asks the running server (through the admin kubeconfig) to write a consistent copy of its\n' +
        "datastore into the server's --snapshot-dir, and prints its path and size. When no server\n" +
        'runs on this machine, copies <data-dir>/server/db/state.db directly instead.',
      flags: snapshotSaveFlags,
      readsConfig: true,
      action: (invocation) => saveSnapshotAction(invocation),
    }),
    defineCommand({
      name: 'restore',
      summary: 'restore the datastore from a snapshot (server stopped)',
      description:
        "Replaces this server's datastore with FILE (a path, or a name that 'skiff snapshot ls' shows).\n" +
        'Stop the server first. The current datastore is kept beside it as\n' +
        'state.db.before-restore-<unix-seconds>; nothing is deleted.\n' +
        'A restore resets the cluster to one member, this server: other servers of an HA control\n' +
        'plane must join it again afterwards.',
      flags: snapshotRestoreFlags,
      args: [{ name: 'file', required: true }],
      readsConfig: true,
      action: (invocation) => restoreSnapshotAction(invocation),
    }),
    defineCommand({
      name: 'ls',
      summary: 'list snapshots (works with the server stopped)',
      flags: snapshotFlags,
      readsConfig: true,
      action: (invocation) => listSnapshotsAction(invocation),
    }),
  ],
  action: notAvailable,
});
