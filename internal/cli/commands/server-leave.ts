/**
 * `skiff server leave`: this server leaves the HA control plane. It asks the server running
 * here (through the admin kubeconfig in its data directory) to remove itself from the
 * datastore members; a leader hands leadership on first. The server must then be stopped,
 * and its datastore deleted before it may join again.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, ApiStatusError, loadKubeconfig } from '../../client/index.ts';
import { datastoreLeavePath, type DatastoreStatus } from '../../server/datastore-status.ts';
import { adminKubeconfigPath } from '../../server/run.ts';
import { defineCommand, type Invocation } from '../command.ts';
import { configFlags, dataDirFlags } from './common-flags.ts';

const leaveFlags = { ...configFlags, ...dataDirFlags };

async function leaveAction({ settings, io }: Invocation<typeof leaveFlags>): Promise<number> {
  const kubeconfig = adminKubeconfigPath(settings['data-dir']);
  if (!existsSync(kubeconfig)) {
    io.stderr(`skiff: Cannot leave as ${kubeconfig} does not exist: run this on a server machine as root, or pass its --data-dir\n`);
    return 1;
  }
  const api = new ApiClient({ ...loadKubeconfig({ path: kubeconfig }), userAgent: 'skiff-server-leave' });
  try {
    const status = await api.request<DatastoreStatus>('POST', datastoreLeavePath);
    io.stdout(`datastore member ${status.id} left the cluster; ${status.members.length} members remain: ${status.members.map((m) => m.id).join(', ')}\n`);
    io.stdout(`stop this server now (systemctl stop skiff); before it joins again, delete ${join(settings['data-dir'], 'server', 'db')}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ApiStatusError) {
      io.stderr(`skiff: Cannot leave: the server answered ${error.code} ${error.reason}: ${error.message}\n`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
      io.stderr(`skiff: Cannot leave as no server answers at ${api.config.server}: start it first (the others must see it leave)\n`);
      return 1;
    }
    throw error;
  } finally {
    api.close();
  }
}

/** `skiff server leave`. */
export const serverLeaveCommand = defineCommand({
  name: 'leave',
  summary: 'remove this server from the HA control plane (the others keep the cluster)',
  flags: leaveFlags,
  readsConfig: true,
  action: leaveAction,
});
