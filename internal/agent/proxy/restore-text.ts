/**
 * iptables-restore input for `--noflush` runs, which leave every chain not named in the
 * input alone (Docker's, other agents'). Declaring a chain flushes it, so a chain is
 * rewritten whole; a chain no longer wanted is declared (emptied) and then deleted in
 * the same transaction, after the chains that jumped to it were rewritten.
 */
import { tables, type RuleSet, type Table } from './rule-set.ts';

/** What was last written: per table, chain → its rules (never changed afterwards). */
export type AppliedState = Record<Table, Map<string, readonly string[]>>;

/** The applied state a successful write of `rules` leaves. */
export function appliedStateOf(rules: RuleSet): AppliedState {
  return { filter: new Map(rules.filter), nat: new Map(rules.nat) };
}

/** Every chain of `rules`, plus deletion of `existing` chains (those of this prefix found in the kernel) not in `rules`. */
export function fullRestoreText(rules: RuleSet, existing: Record<Table, ReadonlySet<string>>): string {
  const out: string[] = [];
  for (const table of tables) {
    const chains = rules[table];
    const stale = [...existing[table]].filter((chain) => !chains.has(chain)).sort();
    writeTable(out, table, [...chains.keys()], chains, stale);
  }
  return out.join('\n') + '\n';
}

/** Only chains that differ from `applied`, new ones and deletions; null when nothing changed. */
export function incrementalRestoreText(rules: RuleSet, applied: AppliedState): string | null {
  const out: string[] = [];
  for (const table of tables) {
    const chains = rules[table];
    const before = applied[table];
    const changed: string[] = [];
    for (const [chain, lines] of chains) {
      const previous = before.get(chain);
      if (previous === undefined || !sameRules(previous, lines)) changed.push(chain);
    }
    const stale: string[] = [];
    for (const chain of before.keys()) if (!chains.has(chain)) stale.push(chain);
    if (changed.length === 0 && stale.length === 0) continue;
    writeTable(out, table, changed, chains, stale.sort());
  }
  return out.length === 0 ? null : out.join('\n') + '\n';
}

/** Rule lists are shared between builds while a Service is unchanged, so identity settles most comparisons. */
function sameRules(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function writeTable(out: string[], table: Table, write: readonly string[], chains: Map<string, string[]>, remove: readonly string[]): void {
  out.push(`*${table}`);
  for (const chain of write) out.push(`:${chain} - [0:0]`);
  for (const chain of remove) out.push(`:${chain} - [0:0]`);
  for (const chain of write) for (const rule of chains.get(chain) ?? []) out.push(`-A ${chain} ${rule}`);
  for (const chain of remove) out.push(`-X ${chain}`);
  out.push('COMMIT');
}
