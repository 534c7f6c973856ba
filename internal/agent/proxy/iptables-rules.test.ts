/** Golden rule texts of the iptables builder: cluster IPs, node ports, endpoints, affinity. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceFixture as service, serviceRuleLines as lines, sliceFixture as slice, testNode } from './fixtures.ts';
import { buildIptablesRules, probability } from './iptables-rules.ts';
import { jumpRules } from './iptables-base.ts';
import { servicePortsOf } from './model.ts';
import { fullRestoreText } from './restore-text.ts';

const nodePort = (extra = {}) => ({ type: 'NodePort', externalTrafficPolicy: 'Cluster', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }], ...extra });
const SVC = 'SKIFF-t-SVC-PK5WNJDG7QFF';
const EXT = 'SKIFF-t-EXT-PK5WNJDG7QFF';
const SEP5 = 'SKIFF-t-SEP-H7V6MUSBXBDM';
const SEP15 = 'SKIFF-t-SEP-GGZHDQHLOYWK';
const SEP25 = 'SKIFF-t-SEP-WMAMFZEHVCJJ';
const clusterIpJump = `-A SKIFF-t-SERVICES -d 10.43.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web:http cluster IP" -j ${SVC}`;
const offNodeMasquerade = `-A ${SVC} -d 10.43.0.10/32 -p tcp -m tcp --dport 80 ! -s 10.42.0.0/24 -m comment --comment "default/web:http cluster IP" -j SKIFF-t-MARK-MASQ`;
const sep = (chain: string, ip: string, affinity = '') => [
  `-A ${chain} -s ${ip}/32 -m comment --comment "default/web:http" -j SKIFF-t-MARK-MASQ`,
  `-A ${chain} -p tcp -m tcp -m comment --comment "default/web:http"${affinity} -j DNAT --to-destination ${ip}:8080`,
];

test('the fixed chains mark for masquerading, masquerade marked packets and block outside connections to 127.0.0.0/8', () => {
  const text = fullRestoreText(buildIptablesRules([], testNode, 'SKIFF-t'), { filter: new Set(), nat: new Set(['SKIFF-t-SVC-OLD']) });
  assert.equal(text, [
    '*filter',
    ':SKIFF-t-INPUT - [0:0]', ':SKIFF-t-FORWARD - [0:0]', ':SKIFF-t-OUTPUT - [0:0]', ':SKIFF-t-FIREWALL - [0:0]', ':SKIFF-t-SERVICES - [0:0]', ':SKIFF-t-EXTERNAL - [0:0]',
    '-A SKIFF-t-INPUT -m conntrack --ctstate NEW -j SKIFF-t-EXTERNAL',
    '-A SKIFF-t-INPUT -j SKIFF-t-FIREWALL',
    '-A SKIFF-t-FORWARD -m conntrack --ctstate INVALID -j DROP',
    '-A SKIFF-t-FORWARD -m comment --comment "service traffic to be forwarded" -m mark --mark 0x4000/0x4000 -j ACCEPT',
    '-A SKIFF-t-FORWARD -m comment --comment "replies of forwarded service traffic" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A SKIFF-t-FORWARD -m conntrack --ctstate NEW -j SKIFF-t-SERVICES',
    '-A SKIFF-t-FORWARD -m conntrack --ctstate NEW -j SKIFF-t-EXTERNAL',
    '-A SKIFF-t-OUTPUT -m conntrack --ctstate NEW -j SKIFF-t-SERVICES',
    '-A SKIFF-t-OUTPUT -j SKIFF-t-FIREWALL',
    '-A SKIFF-t-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    'COMMIT',
    '*nat',
    ':SKIFF-t-SERVICES - [0:0]', ':SKIFF-t-NODEPORTS - [0:0]', ':SKIFF-t-POSTROUTING - [0:0]', ':SKIFF-t-MARK-MASQ - [0:0]', ':SKIFF-t-SVC-OLD - [0:0]',
    '-A SKIFF-t-SERVICES -d 127.0.0.1/32 -m comment --comment "node ports" -j SKIFF-t-NODEPORTS',
    '-A SKIFF-t-SERVICES -d 192.0.2.1/32 -m comment --comment "node ports" -j SKIFF-t-NODEPORTS',
    '-A SKIFF-t-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A SKIFF-t-POSTROUTING -j MARK --xor-mark 0x4000',
    '-A SKIFF-t-POSTROUTING -m comment --comment "service traffic requiring SNAT" -j MASQUERADE --random-fully',
    '-A SKIFF-t-MARK-MASQ -j MARK --or-mark 0x4000',
    '-X SKIFF-t-SVC-OLD',
    'COMMIT',
    '',
  ].join('\n'));
});

test('each built-in chain gets exactly one jump into the chains of the prefix', () => {
  assert.deepEqual(jumpRules('SKIFF-t').map((j) => `${j.table} ${j.chain} ${j.args.join(' ')}`), [
    'nat PREROUTING -m comment --comment skiff service proxy -j SKIFF-t-SERVICES',
    'nat OUTPUT -m comment --comment skiff service proxy -j SKIFF-t-SERVICES',
    'nat POSTROUTING -m comment --comment skiff service proxy -j SKIFF-t-POSTROUTING',
    'filter INPUT -m comment --comment skiff service proxy -j SKIFF-t-INPUT',
    'filter FORWARD -m comment --comment skiff service proxy -j SKIFF-t-FORWARD',
    'filter OUTPUT -m comment --comment skiff service proxy -j SKIFF-t-OUTPUT',
  ]);
});

test('a cluster IP balances over its endpoints with the probabilities kube-proxy computes, masquerading off-node clients', () => {
  const endpoints = [{ ip: '10.42.0.5', node: 'n1' }, { ip: '10.42.1.5', node: 'n2' }, { ip: '10.42.2.5', node: 'n3' }];
  assert.deepEqual(lines(service('web', { clusterIP: '10.43.0.10' }), [slice('web', endpoints)]), [
    `:${SVC} - [0:0]`, `:${SEP5} - [0:0]`, `:${SEP15} - [0:0]`, `:${SEP25} - [0:0]`,
    clusterIpJump,
    offNodeMasquerade,
    `-A ${SVC} -m comment --comment "default/web:http -> 10.42.0.5:8080" -m statistic --mode random --probability 0.3333333333 -j ${SEP5}`,
    `-A ${SVC} -m comment --comment "default/web:http -> 10.42.1.5:8080" -m statistic --mode random --probability 0.5000000000 -j ${SEP15}`,
    `-A ${SVC} -m comment --comment "default/web:http -> 10.42.2.5:8080" -j ${SEP25}`,
    ...sep(SEP5, '10.42.0.5'), ...sep(SEP15, '10.42.1.5'), ...sep(SEP25, '10.42.2.5'),
  ]);
});

test('probabilities are 1/n with ten decimals', () => {
  assert.deepEqual([1, 2, 3, 7].map(probability), ['1.0000000000', '0.5000000000', '0.3333333333', '0.1428571429']);
});

test('a node port enters through the EXT chain, which masquerades for Cluster policy', () => {
  assert.deepEqual(lines(service('web', { clusterIP: '10.43.0.10', ...nodePort() }), [slice('web', [{ ip: '10.42.0.5', node: 'n1' }])]), [
    `:${SVC} - [0:0]`, `:${EXT} - [0:0]`, `:${SEP5} - [0:0]`,
    clusterIpJump,
    `-A SKIFF-t-NODEPORTS -p tcp -m tcp --dport 30080 -m comment --comment "default/web:http node port" -j ${EXT}`,
    offNodeMasquerade,
    `-A ${SVC} -m comment --comment "default/web:http -> 10.42.0.5:8080" -j ${SEP5}`,
    `-A ${EXT} -m comment --comment "masquerade traffic for default/web:http external destinations" -j SKIFF-t-MARK-MASQ`,
    `-A ${EXT} -j ${SVC}`,
    ...sep(SEP5, '10.42.0.5'),
  ]);
});

test('a service without endpoints is rejected in the filter table, on its cluster IP and its node port', () => {
  assert.deepEqual(lines(service('web', { clusterIP: '10.43.0.10', ...nodePort() }), []), [
    '-A SKIFF-t-SERVICES -d 10.43.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web:http has no endpoints" -j REJECT',
    '-A SKIFF-t-EXTERNAL -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -m comment --comment "default/web:http has no endpoints" -j REJECT',
  ]);
});

test('ClientIP affinity checks each endpoint\'s recent list before balancing and records the client when it picks one', () => {
  const spec = { clusterIP: '10.43.0.10', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } };
  assert.deepEqual(lines(service('web', spec), [slice('web', [{ ip: '10.42.0.5', node: 'n1' }, { ip: '10.42.1.5', node: 'n2' }])]), [
    `:${SVC} - [0:0]`, `:${SEP5} - [0:0]`, `:${SEP15} - [0:0]`,
    clusterIpJump,
    offNodeMasquerade,
    `-A ${SVC} -m comment --comment "default/web:http -> 10.42.0.5:8080" -m recent --name ${SEP5} --rcheck --seconds 600 --reap -j ${SEP5}`,
    `-A ${SVC} -m comment --comment "default/web:http -> 10.42.1.5:8080" -m recent --name ${SEP15} --rcheck --seconds 600 --reap -j ${SEP15}`,
    `-A ${SVC} -m comment --comment "default/web:http -> 10.42.0.5:8080" -m statistic --mode random --probability 0.5000000000 -j ${SEP5}`,
    `-A ${SVC} -m comment --comment "default/web:http -> 10.42.1.5:8080" -j ${SEP15}`,
    ...sep(SEP5, '10.42.0.5', ` -m recent --name ${SEP5} --set`),
    ...sep(SEP15, '10.42.1.5', ` -m recent --name ${SEP15} --set`),
  ]);
});

test('without ready endpoints, serving terminating ones are used; neither-ready-nor-serving ones never are', () => {
  const endpoints = [
    { ip: '10.42.0.5', node: 'n1', ready: false, serving: true, terminating: true },
    { ip: '10.42.0.6', node: 'n1', ready: false, serving: false, terminating: true },
    { ip: '10.42.0.7', node: 'n1', ready: false },
  ];
  assert.deepEqual(lines(service('web', { clusterIP: '10.43.0.10' }), [slice('web', endpoints)]), [
    `:${SVC} - [0:0]`, `:${SEP5} - [0:0]`,
    clusterIpJump,
    offNodeMasquerade,
    `-A ${SVC} -m comment --comment "default/web:http -> 10.42.0.5:8080" -j ${SEP5}`,
    ...sep(SEP5, '10.42.0.5'),
  ]);
});

test('a ready endpoint wins over terminating ones', () => {
  const endpoints = [{ ip: '10.42.0.5', node: 'n1', ready: false, serving: true, terminating: true }, { ip: '10.42.1.5', node: 'n2' }];
  const text = lines(service('web', { clusterIP: '10.43.0.10' }), [slice('web', endpoints)]).join('\n');
  assert.doesNotMatch(text, /10\.42\.0\.5/);
  assert.match(text, /DNAT --to-destination 10\.42\.1\.5:8080/);
});

test('a UDP port gets udp matches', () => {
  const dns = service('dns', { clusterIP: '10.43.0.10', ports: [{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 }] });
  const dnsSlice = { ...slice('dns', [{ ip: '10.42.0.5', node: 'n1' }], 53, 'dns'), ports: [{ name: 'dns', protocol: 'UDP', port: 53 }] };
  assert.deepEqual(lines(dns, [dnsSlice]), [
    ':SKIFF-t-SVC-7LO3IMVAIH3C - [0:0]', ':SKIFF-t-SEP-7AY7YTEH5L54 - [0:0]',
    '-A SKIFF-t-SERVICES -d 10.43.0.10/32 -p udp -m udp --dport 53 -m comment --comment "default/dns:dns cluster IP" -j SKIFF-t-SVC-7LO3IMVAIH3C',
    '-A SKIFF-t-SVC-7LO3IMVAIH3C -d 10.43.0.10/32 -p udp -m udp --dport 53 ! -s 10.42.0.0/24 -m comment --comment "default/dns:dns cluster IP" -j SKIFF-t-MARK-MASQ',
    '-A SKIFF-t-SVC-7LO3IMVAIH3C -m comment --comment "default/dns:dns -> 10.42.0.5:53" -j SKIFF-t-SEP-7AY7YTEH5L54',
    '-A SKIFF-t-SEP-7AY7YTEH5L54 -s 10.42.0.5/32 -m comment --comment "default/dns:dns" -j SKIFF-t-MARK-MASQ',
    '-A SKIFF-t-SEP-7AY7YTEH5L54 -p udp -m udp -m comment --comment "default/dns:dns" -j DNAT --to-destination 10.42.0.5:53',
  ]);
});

test('headless and ExternalName services get no rules', () => {
  assert.deepEqual(lines(service('web', { clusterIP: 'None' }), [slice('web', [{ ip: '10.42.0.5', node: 'n1' }])]), []);
  assert.deepEqual(lines(service('web', { type: 'ExternalName', externalName: 'example.com', clusterIP: '10.43.0.10' }), []), []);
});

test('without a local pod range nothing is masqueraded by source', () => {
  const text = lines(service('web', { clusterIP: '10.43.0.10' }), [slice('web', [{ ip: '10.42.0.5', node: 'n1' }])], { ...testNode, localPodCidr: null });
  assert.ok(!text.includes(offNodeMasquerade));
  assert.ok(text.includes(clusterIpJump));
});

test('rules remembered for an unchanged port object equal freshly built ones, and a change of node facts rebuilds them', () => {
  const ports = servicePortsOf(service('web', { clusterIP: '10.43.0.10', type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', ports: [{ name: 'http', port: 443, targetPort: 8080, nodePort: 30443 }] }), [slice('web', [{ ip: '10.42.0.5', node: 'n1' }])]);
  const text = (node = testNode) => fullRestoreText(buildIptablesRules(ports, node, 'SKIFF-t'), { filter: new Set(), nat: new Set() });
  const fresh = () => fullRestoreText(buildIptablesRules(ports.map((p) => ({ ...p })), { ...testNode, servesLoadBalancers: false }, 'SKIFF-t'), { filter: new Set(), nat: new Set() });
  assert.equal(text(), text());
  assert.match(text(), /loadbalancer port/);
  assert.equal(text({ ...testNode, servesLoadBalancers: false }), fresh());
  assert.doesNotMatch(fresh(), /loadbalancer port/);
});
