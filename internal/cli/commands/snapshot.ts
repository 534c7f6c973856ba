/** `skiff snapshot`: datastore snapshots. */
import { defineCommand } from '../command.ts';
import { defineFlags, stringFlag } from '../flag.ts';
import { notAvailable } from '../not-available.ts';
import { configFlags, dataDirFlags } from './common-flags.ts';

/** Flags every snapshot subcommand takes. */
export const snapshotFlags = { ...configFlags, ...dataDirFlags };

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
      flags: {
        ...snapshotFlags,
        ...defineFlags({
          name: stringFlag({
            default: '',
            defaultText: 'a time-stamped name',
            example: 'before-upgrade',
            help: 'snapshot name',
            env: null,
            inConfig: false,
          }),
        }),
      },
      readsConfig: true,
      action: notAvailable,
    }),
    defineCommand({
      name: 'restore',
      summary: 'restore the datastore from a snapshot (server stopped)',
      flags: snapshotFlags,
      args: [{ name: 'name', required: true }],
      readsConfig: true,
      action: notAvailable,
    }),
    defineCommand({ name: 'ls', summary: 'list snapshots', flags: snapshotFlags, readsConfig: true, action: notAvailable }),
  ],
  action: notAvailable,
});
