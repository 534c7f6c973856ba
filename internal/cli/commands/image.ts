/** `skiff image`: side-load container images for air-gapped machines. */
import { defineCommand } from '../command.ts';
import { defineFlags } from '../flag.ts';
import { notAvailable } from '../not-available.ts';
import { configFlags, dataDirFlags } from './common-flags.ts';
import { importImagesAction, listImagesAction } from './image-actions.ts';

/** Flags of the image subcommands. */
export const imageFlags = { ...configFlags, ...dataDirFlags };

/** `skiff image`. */
export const imageCommand = defineCommand({
  name: 'image',
  summary: "import images from 'docker save' tarballs",
  description: 'The agent also imports every tarball dropped in <data-dir>/agent/images/.',
  flags: defineFlags({}),
  subcommandRequired: true,
  subcommands: [
    defineCommand({
      name: 'import',
      summary: "load one or more 'docker save' tarballs into this machine's Docker",
      flags: imageFlags,
      args: [{ name: 'file.tar', required: true, variadic: true }],
      readsConfig: true,
      action: (invocation) => importImagesAction(invocation),
    }),
    defineCommand({
      name: 'ls',
      summary: "list the images in this machine's Docker",
      flags: imageFlags,
      readsConfig: true,
      action: (invocation) => listImagesAction(invocation),
    }),
  ],
  action: notAvailable,
});
