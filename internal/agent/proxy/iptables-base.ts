/**
 * The fixed part of skiff's iptables rules: masquerading by packet mark (as
 * KUBE-MARK-MASQ / KUBE-POSTROUTING), the filter dispatch chains, and the single jump
 * from each built-in chain into skiff's chains.
 */
import { topChains, type TopChains } from './chain-names.ts';
import type { ChainMap, JumpRule } from './rule-set.ts';

/** The packet mark bit that asks for masquerading (kube-proxy's default bit 14). */
export const masqueradeMark = '0x4000';

const jumpComment = 'skiff service proxy';

/** The jumps from the built-in chains; each built-in chain gets exactly one. */
export function jumpRules(prefix: string): JumpRule[] {
  const chains = topChains(prefix);
  const jump = (target: string): string[] => ['-m', 'comment', '--comment', jumpComment, '-j', target];
  return [
    { table: 'nat', chain: 'PREROUTING', args: jump(chains.services) },
    { table: 'nat', chain: 'OUTPUT', args: jump(chains.services) },
    { table: 'nat', chain: 'POSTROUTING', args: jump(chains.postrouting) },
    { table: 'filter', chain: 'INPUT', args: jump(chains.filterInput) },
    { table: 'filter', chain: 'FORWARD', args: jump(chains.filterForward) },
    { table: 'filter', chain: 'OUTPUT', args: jump(chains.filterOutput) },
  ];
}

/** Declares the fixed nat chains (filled by the builder) in their declaration order. */
export function baseNatChains(chains: TopChains): ChainMap {
  return new Map([
    [chains.services, []],
    [chains.nodePorts, []],
    [
      chains.postrouting,
      [
        `-m mark ! --mark ${masqueradeMark}/${masqueradeMark} -j RETURN`,
        // The mark is cleared so a packet re-entering the stack is not masqueraded twice.
        `-j MARK --xor-mark ${masqueradeMark}`,
        `-m comment --comment "service traffic requiring SNAT" -j MASQUERADE --random-fully`,
      ],
    ],
    [chains.markMasq, [`-j MARK --or-mark ${masqueradeMark}`]],
  ]);
}

/** Declares the fixed filter chains, with the rules that do not depend on Services. */
export function baseFilterChains(chains: TopChains): ChainMap {
  return new Map([
    [chains.filterInput, [`-m conntrack --ctstate NEW -j ${chains.filterExternal}`, `-j ${chains.filterFirewall}`]],
    [
      chains.filterForward,
      [
        `-m conntrack --ctstate INVALID -j DROP`,
        // Service traffic must pass a default DROP policy (Docker sets one).
        `-m comment --comment "service traffic to be forwarded" -m mark --mark ${masqueradeMark}/${masqueradeMark} -j ACCEPT`,
        `-m comment --comment "replies of forwarded service traffic" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
        `-m conntrack --ctstate NEW -j ${chains.filterServices}`,
        `-m conntrack --ctstate NEW -j ${chains.filterExternal}`,
      ],
    ],
    [chains.filterOutput, [`-m conntrack --ctstate NEW -j ${chains.filterServices}`, `-j ${chains.filterFirewall}`]],
    [
      chains.filterFirewall,
      // route_localnet lets node ports answer on 127.0.0.1; nothing from outside may use that.
      [`! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`],
    ],
    [chains.filterServices, []],
    [chains.filterExternal, []],
  ]);
}
