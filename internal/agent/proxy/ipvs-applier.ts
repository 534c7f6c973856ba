/**
 * Applies IPVS virtual services with ipvsadm-restore: the addresses they listen on are
 * bound to a dummy interface (as kube-proxy's kube-ipvs0), only the difference to what
 * the kernel holds is written, and IPVS-forwarded connections are masqueraded by one
 * nat rule in skiff's own chain. Refuses to start where the kernel has no IPVS.
 */
import { readFile } from 'node:fs/promises';
import { runChecked, type CommandRunner } from './command-runner.ts';
import { removeRules } from './iptables-applier.ts';
import { ipvsBoundAddresses, ipvsUpdateText, parseIpvsadmSave, type IpvsService } from './ipvs-rules.ts';
import type { NodeContext } from './types.ts';

/** The dummy interface IPVS service addresses are bound to. */
export const ipvsInterface = 'skiff-ipvs0';

/** The proxy mode asked for cannot work on this machine; the message is one line saying why and what to do. */
export class ProxyModeError extends Error {
  readonly code = 'EPROXYMODE';
  override name = 'ProxyModeError';
}

/** Throws ProxyModeError unless the kernel has IPVS and ipvsadm answers. */
export async function checkIpvsSupport(runner: CommandRunner, procFile = '/proc/net/ip_vs'): Promise<void> {
  const fix = 'load the ip_vs kernel module (modprobe ip_vs) and install ipvsadm, or use --proxy-mode iptables';
  try {
    await readFile(procFile, 'utf8');
  } catch {
    throw new ProxyModeError(`Cannot use --proxy-mode ipvs as this kernel has no IP Virtual Server support (${procFile} is missing): ${fix}`);
  }
  let result;
  try {
    result = await runner.run('ipvsadm', ['-Ln']);
  } catch (error) {
    throw new ProxyModeError(`Cannot use --proxy-mode ipvs as ipvsadm does not run (${(error as Error).message}): ${fix}`);
  }
  if (result.code !== 0) {
    throw new ProxyModeError(`Cannot use --proxy-mode ipvs as 'ipvsadm -Ln' fails (${result.stderr.trim().split('\n')[0] ?? `exit ${result.code}`}): ${fix}`);
  }
}

/** Keeps the kernel's IPVS table (the part skiff owns) equal to the desired virtual services. */
export class IpvsApplier {
  readonly #runner: CommandRunner;
  readonly #prefix: string;

  constructor(runner: CommandRunner, prefix: string) {
    this.#runner = runner;
    this.#prefix = prefix;
  }

  /** Binds addresses, writes the IPVS difference and ensures the masquerade rule. */
  async sync(services: readonly IpvsService[], node: NodeContext): Promise<void> {
    const bound = ipvsBoundAddresses(services, node);
    await this.#ensureInterface();
    const present = await this.#boundNow();
    for (const address of bound) if (!present.has(address)) await this.#ip(['addr', 'add', `${address}/32`, 'dev', ipvsInterface]);
    const owned = new Set([...bound, ...node.addresses]);
    const current = parseIpvsadmSave(await runChecked(this.#runner, 'read the IPVS table', 'ipvsadm-save', ['-n'])).filter((s) => owned.has(s.address) || present.has(s.address));
    const text = ipvsUpdateText(current, services);
    if (text !== '') await runChecked(this.#runner, 'apply the IPVS services', 'ipvsadm-restore', [], text);
    for (const address of present) if (!bound.includes(address)) await this.#ip(['addr', 'del', `${address}/32`, 'dev', ipvsInterface]);
    await this.#ensureMasquerade();
  }

  /** Removes skiff's virtual services, the dummy interface and the masquerade chain. */
  async cleanup(node: NodeContext): Promise<void> {
    await removeIpvsServices(this.#runner, node.addresses);
    await removeRules(this.#runner, (chain) => chain.startsWith(`${this.#prefix}-`));
  }

  async #ensureInterface(): Promise<void> {
    const shown = await this.#runner.run('ip', ['link', 'show', ipvsInterface]);
    if (shown.code !== 0) await this.#ip(['link', 'add', ipvsInterface, 'type', 'dummy']);
  }

  #boundNow(): Promise<Set<string>> {
    return boundAddresses(this.#runner);
  }

  async #ensureMasquerade(): Promise<void> {
    const chain = `${this.#prefix}-POSTROUTING`;
    const text = [
      '*nat',
      `:${chain} - [0:0]`,
      `-A ${chain} -m ipvs --ipvs --vdir ORIGINAL --vmethod MASQ -m comment --comment "IPVS service traffic" -j MASQUERADE`,
      'COMMIT',
      '',
    ].join('\n');
    await runChecked(this.#runner, 'write the IPVS masquerade rule', 'iptables-restore', ['-w', '5', '--noflush'], text);
    const jump = ['-m', 'comment', '--comment', 'skiff service proxy', '-j', chain];
    if ((await this.#runner.run('iptables', ['-w', '5', '-t', 'nat', '-C', 'POSTROUTING', ...jump])).code !== 0) {
      await runChecked(this.#runner, 'add the IPVS masquerade jump', 'iptables', ['-w', '5', '-t', 'nat', '-I', 'POSTROUTING', '1', ...jump]);
    }
  }

  async #ip(args: string[]): Promise<void> {
    await runChecked(this.#runner, 'bind IPVS service addresses', 'ip', args);
  }
}

/**
 * Removes the virtual services on addresses of the dummy interface or on `nodeAddresses`
 * (node ports), then the interface itself. Without IPVS support there is nothing to do.
 */
export async function removeIpvsServices(runner: CommandRunner, nodeAddresses: readonly string[]): Promise<void> {
  const owned = new Set([...(await boundAddresses(runner)), ...nodeAddresses]);
  const saved = await runner.run('ipvsadm-save', ['-n']).catch(() => null);
  if (saved !== null && saved.code === 0) {
    const text = ipvsUpdateText(parseIpvsadmSave(saved.stdout).filter((s) => owned.has(s.address)), []);
    if (text !== '') await runChecked(runner, 'remove the IPVS services', 'ipvsadm-restore', [], text);
  }
  const link = await runner.run('ip', ['link', 'show', ipvsInterface]);
  if (link.code === 0) await runChecked(runner, `remove ${ipvsInterface}`, 'ip', ['link', 'del', ipvsInterface]);
}

async function boundAddresses(runner: CommandRunner): Promise<Set<string>> {
  const shown = await runner.run('ip', ['-4', '-o', 'addr', 'show', 'dev', ipvsInterface]);
  if (shown.code !== 0) return new Set();
  return new Set([...shown.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1] ?? ''));
}
