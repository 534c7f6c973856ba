/**
 * Writes rule sets with `iptables-restore --noflush`, touching only chains of its own
 * prefix. A full sync rewrites every chain, deletes leftovers of earlier runs and makes
 * sure each built-in chain jumps into skiff's chains; an incremental sync rewrites only
 * the chains that changed since the last successful write (as kube-proxy does).
 */
import { jumpRules } from './iptables-base.ts';
import { chainsStartingWith, orphanedPrefixes, parseIptablesSave, removalText } from './iptables-save.ts';
import { runChecked, type CommandRunner } from './command-runner.ts';
import { appliedStateOf, fullRestoreText, incrementalRestoreText, type AppliedState } from './restore-text.ts';
import type { RuleSet } from './rule-set.ts';

/** Seconds iptables waits for the xtables lock held by another writer (Docker, another agent). */
const lockWaitSeconds = '5';

export interface SyncResult {
  kind: 'full' | 'incremental' | 'unchanged';
  /** Bytes of iptables-restore input written. */
  bytes: number;
}

/** Applies rule sets of one chain prefix through `runner`. */
export class IptablesApplier {
  readonly #runner: CommandRunner;
  readonly #prefix: string;
  readonly #owner: string | null;
  #applied: AppliedState | null = null;

  /**
   * `owner` (e.g. "pid=1234 node=pi-01") is kept in a `<prefix>-OWNER` chain nothing jumps
   * to, so another agent can tell these chains from ones a dead process left.
   */
  constructor(runner: CommandRunner, prefix: string, owner: string | null = null) {
    this.#runner = runner;
    this.#prefix = prefix;
    this.#owner = owner;
  }

  /** Rewrites every chain of the prefix to `rules`, removes stale ones and ensures the jumps and sysctls. */
  async fullSync(given: RuleSet): Promise<SyncResult> {
    this.#checkPrefix(given);
    const rules = this.#withOwner(given);
    this.#applied = null;
    await enableRouteLocalnet(this.#runner);
    const saved = parseIptablesSave(await runChecked(this.#runner, 'read the iptables rules', 'iptables-save', []));
    const own = `${this.#prefix}-`;
    const text = fullRestoreText(rules, { filter: chainsStartingWith(saved.filter, own), nat: chainsStartingWith(saved.nat, own) });
    await this.#restore(text);
    await this.#ensureJumps();
    this.#applied = appliedStateOf(rules);
    return { kind: 'full', bytes: text.length };
  }

  /** Writes only what changed since the last sync; falls back to a full sync when nothing was applied yet. */
  async incrementalSync(given: RuleSet): Promise<SyncResult> {
    this.#checkPrefix(given);
    if (this.#applied === null) return this.fullSync(given);
    const rules = this.#withOwner(given);
    const text = incrementalRestoreText(rules, this.#applied);
    if (text === null) return { kind: 'unchanged', bytes: 0 };
    try {
      await this.#restore(text);
    } catch (error) {
      // The kernel may hold part of a change this state does not describe: the next sync is full.
      this.#applied = null;
      throw error;
    }
    this.#applied = appliedStateOf(rules);
    return { kind: 'incremental', bytes: text.length };
  }

  /** Removes every chain of the prefix and the jumps into them. */
  async cleanup(): Promise<number> {
    this.#applied = null;
    const own = `${this.#prefix}-`;
    return removeRules(this.#runner, (chain) => chain.startsWith(own));
  }

  async #restore(text: string): Promise<void> {
    await runChecked(this.#runner, 'apply the service rules', 'iptables-restore', ['-w', lockWaitSeconds, '--noflush'], text);
  }

  async #ensureJumps(): Promise<void> {
    for (const jump of jumpRules(this.#prefix)) {
      const check = await this.#runner.run('iptables', ['-w', lockWaitSeconds, '-t', jump.table, '-C', jump.chain, ...jump.args]);
      if (check.code === 0) continue;
      await runChecked(this.#runner, `add the jump from ${jump.table} ${jump.chain}`, 'iptables', ['-w', lockWaitSeconds, '-t', jump.table, '-I', jump.chain, '1', ...jump.args]);
    }
  }

  #withOwner(rules: RuleSet): RuleSet {
    if (this.#owner === null) return rules;
    const filter = new Map(rules.filter);
    filter.set(`${this.#prefix}-OWNER`, [`-m comment --comment "skiff agent ${this.#owner}" -j RETURN`]);
    return { ...rules, filter };
  }

  #checkPrefix(rules: RuleSet): void {
    if (rules.prefix !== this.#prefix) throw new Error(`Cannot apply rules of prefix ${rules.prefix} with the applier of prefix ${this.#prefix}`);
  }
}

/**
 * Removes the chains `owned` picks, and the rules jumping to them, from the filter and
 * nat tables; resolves to the number of chains removed.
 */
export async function removeRules(runner: CommandRunner, owned: (chain: string) => boolean): Promise<number> {
  const saved = parseIptablesSave(await runChecked(runner, 'read the iptables rules', 'iptables-save', []));
  const text = removalText(saved, owned);
  if (text === null) return 0;
  await runChecked(runner, 'remove the service rules', 'iptables-restore', ['-w', lockWaitSeconds, '--noflush'], text);
  return [...saved.filter.chains].filter(owned).length + [...saved.nat.chains].filter(owned).length;
}

/**
 * Removes the chains of other prefixes whose owning process is gone (or unknown), as
 * left by agents that were killed or renamed; resolves to the prefixes removed.
 */
export async function removeOrphanedRules(runner: CommandRunner, own: string, alive: (pid: number) => boolean = processAlive): Promise<string[]> {
  const saved = parseIptablesSave(await runChecked(runner, 'read the iptables rules', 'iptables-save', []));
  const orphaned = orphanedPrefixes(saved, own, alive);
  if (orphaned.length === 0) return [];
  const text = removalText(saved, (chain) => orphaned.some((prefix) => chain.startsWith(`${prefix}-`)));
  if (text !== null) await runChecked(runner, 'remove rules of stopped agents', 'iptables-restore', ['-w', lockWaitSeconds, '--noflush'], text);
  return orphaned;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lets DNAT send packets from 127.0.0.1 to pods, so node ports answer on localhost (kube-proxy sets the same). */
async function enableRouteLocalnet(runner: CommandRunner): Promise<void> {
  const key = 'net.ipv4.conf.all.route_localnet';
  const current = await runner.run('sysctl', ['-n', key]);
  if (current.code === 0 && current.stdout.trim() === '1') return;
  await runChecked(runner, `set ${key}`, 'sysctl', ['-w', `${key}=1`]);
}
