/** `skiff check`: host readiness before running a server or agent. */
import { defineCommand } from '../command.ts';
import { notAvailable } from '../not-available.ts';
import { configFlags, dataDirFlags } from './common-flags.ts';

/** `skiff check`. */
export const checkCommand = defineCommand({
  name: 'check',
  summary: 'check this host: Docker socket, cgroups, iptables, ip_vs, ports',
  flags: { ...configFlags, ...dataDirFlags },
  readsConfig: true,
  action: notAvailable,
});
