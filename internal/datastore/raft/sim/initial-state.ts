import { decodeConfChange, encodeConfChange, type ConfChange, type ConfState, type Entry, type NodeId } from '../types.ts';
import type { InvariantChecker } from './checker.ts';
import { entryKey } from './digest.ts';
import { DurableStore } from './durable-store.ts';

/** The conf state after one single-server change. */
function afterChange(conf: ConfState, change: ConfChange): ConfState {
  const voters = conf.voters.filter((id) => id !== change.id);
  const learners = conf.learners.filter((id) => id !== change.id);
  if (change.type === 'add-learner') learners.push(change.id);
  if (change.type === 'promote') voters.push(change.id);
  return { voters, learners };
}

/** The log all members of a formed cluster start with: each id added as a learner, then promoted, at term 1. */
export function formedClusterLog(ids: readonly NodeId[]): Entry[] {
  const entries: Entry[] = [];
  for (const id of ids) {
    for (const type of ['add-learner', 'promote'] as const) {
      entries.push({ index: entries.length + 1, term: 1, type: 'conf-change', data: encodeConfChange({ type, id, context: `addr-${id}` }) });
    }
  }
  return entries;
}

/**
 * A durable store for node `id` holding `entries` committed and applied (the state a
 * member is created with before its first start); the checker sees it as that node's.
 */
export function seededStore(id: NodeId, entries: readonly Entry[], checker: InvariantChecker): DurableStore {
  const last = entries[entries.length - 1];
  const commit = last?.index ?? 0;
  const store = new DurableStore();
  const { written } = store.append(entries);
  for (const { entry, chain } of written) checker.observeLogEntry(id, entry.index, entry.term, chain);
  store.hardState = { term: last?.term ?? 0, vote: '', commit };
  checker.observeCommit(id, store.hardState.term, commit, store.view());
  let conf: ConfState = { voters: [], learners: [] };
  for (const entry of entries) {
    const key = entryKey(entry);
    if (entry.type === 'conf-change') conf = afterChange(conf, decodeConfChange(entry.data));
    checker.observeApply(id, store.appliedIndex, entry.index, `${entry.term}:${key}`);
    store.applyEntry(entry, key, conf);
  }
  return store;
}
