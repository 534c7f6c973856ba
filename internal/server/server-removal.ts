/**
 * `kubectl delete node <server>` removes that server from the datastore members, as with
 * k3s: every server watches Node deletions, and a deleted Node whose name is a member's
 * node name (member ids are `<node name>-<random suffix>`) loses its place. Each server
 * proposing it makes the removal survive a leader change; a member already gone is done.
 * The last member is never removed.
 */
import type { StorageRegistry } from '../apiserver/registry.ts';
import { CompactedError } from '../datastore/errors.ts';
import type { MvccStore } from '../datastore/mvcc/store.ts';
import type { ReplicatedNode } from '../datastore/replicated/node.ts';
import type { Logger } from '../util/log.ts';

const attempts = 5;

/** The node name a member id was made from ('' when it has no suffix). */
export function memberNodeName(id: string): string {
  const dash = id.lastIndexOf('-');
  return dash <= 0 ? '' : id.slice(0, dash);
}

/** Runs until `signal` aborts. */
export async function removeDeletedServers(options: { registry: StorageRegistry; store: MvccStore; node: ReplicatedNode; log: Logger; signal: AbortSignal }): Promise<void> {
  const prefix = options.registry.get('', 'v1', 'nodes').key(null, '');
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1000));
  // Where to resume after a watch ends, so that no deletion in between is missed.
  let next = 0;
  while (!options.signal.aborted) {
    const watcher = options.store.watch({ key: prefix, prefix: true, signal: options.signal, ...(next === 0 ? {} : { startRevision: next }) });
    try {
      for await (const events of watcher) {
        for (const event of events) {
          next = event.kv.modRevision + 1;
          if (event.type === 'delete') await removeServerOf(event.kv.key.slice(prefix.length), options, pause);
        }
      }
    } catch (error) {
      if (options.signal.aborted) return;
      if (error instanceof CompactedError) next = 0;
      options.log.debug('watch of Node deletions ended; watching again', { error: String(error) });
      await pause();
    }
  }
}

async function removeServerOf(name: string, options: { node: ReplicatedNode; log: Logger; signal: AbortSignal }, pause: () => Promise<void>): Promise<void> {
  for (let attempt = 1; attempt <= attempts && !options.signal.aborted; attempt++) {
    const members = Object.keys(options.node.members);
    const member = members.find((id) => memberNodeName(id) === name);
    if (member === undefined || members.length <= 1) return;
    try {
      options.log.info('node of a server deleted: removing it from the datastore members', { node: name, member });
      await options.node.removeMember(member);
      return;
    } catch (error) {
      if (!(member in options.node.members)) return;
      options.log.warn('removing a deleted server from the datastore members failed; trying again', { node: name, member, attempt, error: String(error) });
      await pause();
    }
  }
}
