/**
 * `kubectl delete node <server>` removes that server from the datastore members, as with
 * k3s: the datastore leader watches Node deletions, and a deleted Node whose name is a
 * member's node name (member ids are `<node name>-<random suffix>`) loses its place, one
 * member at a time. The last voter is never removed.
 */
import type { StorageRegistry } from '../apiserver/registry.ts';
import type { MvccStore } from '../datastore/mvcc/store.ts';
import type { ReplicatedNode } from '../datastore/replicated/node.ts';
import type { Logger } from '../util/log.ts';

/** The node name a member id was made from ('' when it has no suffix). */
export function memberNodeName(id: string): string {
  const dash = id.lastIndexOf('-');
  return dash <= 0 ? '' : id.slice(0, dash);
}

/** Runs until `signal` aborts; only the datastore leader acts on what it sees. */
export async function removeDeletedServers(options: { registry: StorageRegistry; store: MvccStore; node: ReplicatedNode; log: Logger; signal: AbortSignal }): Promise<void> {
  const prefix = options.registry.get('', 'v1', 'nodes').key(null, '');
  while (!options.signal.aborted) {
    const watcher = options.store.watch({ key: prefix, prefix: true, signal: options.signal });
    try {
      for await (const events of watcher) {
        for (const event of events) {
          if (event.type !== 'delete' || !options.node.leads()) continue;
          const name = event.kv.key.slice(prefix.length);
          const member = Object.keys(options.node.members).find((id) => memberNodeName(id) === name);
          if (member === undefined || Object.keys(options.node.members).length <= 1) continue;
          options.log.info('node of a server deleted: removing it from the datastore members', { node: name, member });
          await options.node.removeMember(member).catch((error: unknown) => options.log.warn('removing a deleted server from the datastore members failed', { node: name, member, error: String(error) }));
        }
      }
    } catch (error) {
      if (options.signal.aborted) return;
      // A watch cut off (too slow, or compacted): start again from now, after a pause.
      options.log.debug('watch of Node deletions ended; watching again', { error: String(error) });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
