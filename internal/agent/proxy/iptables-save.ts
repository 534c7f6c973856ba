/**
 * Reading `iptables-save` output: which chains exist and which rules jump where, so
 * syncs can delete chains left over from an earlier run and cleanup can find every
 * rule skiff made. Pure.
 */
import type { Table } from './rule-set.ts';

export interface SavedTable {
  /** Every chain declared in the table, built-in ones included. */
  chains: Set<string>;
  /** Rules as `-A CHAIN …` lines, in order. */
  rules: Array<{ chain: string; line: string; target: string | null }>;
}

export type SavedState = Record<Table, SavedTable>;

/** Parses the filter and nat tables of `iptables-save` output; other tables are skipped. */
export function parseIptablesSave(text: string): SavedState {
  const state: SavedState = { filter: emptyTable(), nat: emptyTable() };
  let current: SavedTable | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      const name = line.slice(1);
      current = name === 'filter' || name === 'nat' ? state[name] : null;
    } else if (current === null || line === '' || line.startsWith('#') || line === 'COMMIT') {
      continue;
    } else if (line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0];
      if (chain !== undefined && chain !== '') current.chains.add(chain);
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      const jump = / -[jg] (\S+)/.exec(line);
      current.rules.push({ chain, line, target: jump?.[1] ?? null });
    }
  }
  return state;
}

/** Chains of `table` whose names start with `start`. */
export function chainsStartingWith(saved: SavedTable, start: string): Set<string> {
  return new Set([...saved.chains].filter((chain) => chain.startsWith(start)));
}

/**
 * iptables-restore input that removes the chains `owned` picks and every rule of other
 * chains jumping to them (the jumps from built-in chains); null when there is nothing.
 */
export function removalText(saved: SavedState, owned: (chain: string) => boolean): string | null {
  const out: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const state = saved[table];
    const chains = [...state.chains].filter(owned).sort();
    const jumps = state.rules.filter((rule) => !owned(rule.chain) && rule.target !== null && owned(rule.target));
    if (chains.length === 0 && jumps.length === 0) continue;
    out.push(`*${table}`);
    for (const jump of jumps) out.push(`-D ${jump.line.slice(3)}`);
    for (const chain of chains) out.push(`:${chain} - [0:0]`);
    for (const chain of chains) out.push(`-X ${chain}`);
    out.push('COMMIT');
  }
  return out.length === 0 ? null : out.join('\n') + '\n';
}

function emptyTable(): SavedTable {
  return { chains: new Set(), rules: [] };
}

/**
 * Prefixes of skiff chains in `saved` whose owner is gone: no `<prefix>-OWNER` chain, or
 * one naming a process `alive` says has exited. `own` is never listed.
 */
export function orphanedPrefixes(saved: SavedState, own: string, alive: (pid: number) => boolean): string[] {
  const prefixes = new Set<string>();
  for (const table of [saved.filter, saved.nat]) {
    for (const chain of table.chains) {
      const match = /^(SKIFF-[A-Za-z0-9]+)-/.exec(chain);
      if (match?.[1] !== undefined && match[1] !== own) prefixes.add(match[1]);
    }
  }
  const orphaned: string[] = [];
  for (const prefix of [...prefixes].sort()) {
    const owner = saved.filter.rules.find((rule) => rule.chain === `${prefix}-OWNER`);
    const pid = owner === undefined ? null : /pid=(\d+)/.exec(owner.line)?.[1];
    if (pid === null || pid === undefined || !alive(Number(pid))) orphaned.push(prefix);
  }
  return orphaned;
}
