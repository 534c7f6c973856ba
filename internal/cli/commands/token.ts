/** `skiff token`: join tokens, kubeadm style. */
import { defineCommand } from '../command.ts';
import { boolFlag, defineFlags, durationFlag, stringFlag } from '../flag.ts';
import { notAvailable } from '../not-available.ts';
import { nonNegative } from '../validate.ts';
import { configFlags, dataDirFlags } from './common-flags.ts';
import { createTokenAction, deleteTokensAction, listTokensAction } from './token-actions.ts';

/** Flags every token subcommand takes. */
export const tokenFlags = { ...configFlags, ...dataDirFlags };

/** Flags of `skiff token create`. */
export const tokenCreateFlags = {
  ...tokenFlags,
  ...defineFlags({
    ttl: durationFlag({
      default: '24h',
      help: 'how long the token is valid; 0 never expires',
      check: nonNegative,
      env: null,
      inConfig: false,
    }),
    description: stringFlag({
      default: '',
      help: "note shown by 'skiff token list'",
      example: 'rack-2',
      env: null,
      inConfig: false,
    }),
    'print-join-command': boolFlag({
      help: 'print the full skiff agent join command instead of the token',
      env: null,
      inConfig: false,
    }),
  }),
};

/** `skiff token`. */
export const tokenCommand = defineCommand({
  name: 'token',
  summary: 'create, list and delete join tokens',
  flags: defineFlags({}),
  subcommandRequired: true,
  subcommands: [
    defineCommand({
      name: 'create',
      summary: 'create a join token',
      flags: tokenCreateFlags,
      readsConfig: true,
      action: (invocation) => createTokenAction(invocation),
    }),
    defineCommand({ name: 'list', summary: 'list join tokens', flags: tokenFlags, readsConfig: true, action: (invocation) => listTokensAction(invocation) }),
    defineCommand({
      name: 'delete',
      summary: 'delete join tokens by id',
      flags: tokenFlags,
      args: [{ name: 'token-id', required: true, variadic: true }],
      readsConfig: true,
      action: (invocation) => deleteTokensAction(invocation),
    }),
  ],
  action: notAvailable,
});
