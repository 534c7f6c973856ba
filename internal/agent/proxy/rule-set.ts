/**
 * A desired iptables state: per table, skiff's chains in order with their rules (each
 * rule as the arguments after `-A CHAIN`), plus the one jump per built-in chain that
 * leads into them. Built by iptables-rules.ts, written by restore-text.ts.
 */

export type Table = 'filter' | 'nat';

/** Tables in the order they are written. */
export const tables: readonly Table[] = ['filter', 'nat'];

/** chain name → rules, in the order chains are declared. */
export type ChainMap = Map<string, string[]>;

export interface RuleSet {
  prefix: string;
  filter: ChainMap;
  nat: ChainMap;
}

/** A rule in a built-in chain that jumps into a skiff chain; kept at the top of the built-in chain. */
export interface JumpRule {
  table: Table;
  chain: 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
  /** Rule arguments as iptables takes them after `-I CHAIN 1`. */
  args: string[];
}
