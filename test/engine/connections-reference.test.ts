/**
 * The connection questions the lint rules answer their own way, compared with the engine on
 * pods of several namespaces, a pod to itself, host-network pods on the same and on another node,
 * an IPv6-only pod, an unscheduled pod, and
 * several ports, under NetworkPolicies and Calico policies with Deny and Pass: ingressSources
 * (peers of the Allow rules decided one by one when only an Allow rule can admit) is compared
 * with Engine.ingressAdmitting for every class; dns-blocked's DnsReach (peer groups, the assumed
 * DNS pod's answers read only for the atoms egress reads of a destination) with asking
 * Engine.egressAllowed of every destination; Engine.egressAllowed (which decides a source's
 * destinations per peer group once the source has asked about a few) with the explained egress.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { externalClasses, outsideAdmitting } from '../../server/src/engine/address-classes';
import { clusterDns } from '../../server/src/engine/cluster-dns';
import { ingressSources, outsideSources } from '../../server/src/engine/connections';
import { DnsReach } from '../../server/src/lint/rules/dns-blocked';
import { analyzeYaml, yaml } from '../helpers';
import { docs, namespace, node, pod, policy } from '../manifests';

const PORTS = [
  ['TCP', 80],
  ['TCP', 8080],
  ['TCP', 5432],
  ['TCP', 9090],
  ['UDP', 53],
  ['TCP', 53],
] as const;

/** The guard rails in a tier of their own (ending in Deny, with a Pass rule) or in the default tier, beside the NetworkPolicies. */
const guard = (tier: boolean) => yaml`
    apiVersion: projectcalico.org/v3
    kind: GlobalNetworkPolicy
    metadata: {name: ${tier ? 'security.guard' : 'guard'}}
    spec:
      ${tier ? 'tier: security' : 'order: 1'}
      selector: all()
      types: [Ingress, Egress]
      ingress:
      - action: Deny
        protocol: TCP
        source: {selector: "app == 'web'"}
        destination: {ports: [5432]}
      - action: Allow
        protocol: TCP
        source: {selector: "app == 'scraper'"}
        destination: {ports: [9090]}
      - action: Pass
      egress:
      - action: Deny
        protocol: UDP
        destination: {selector: "app == 'db'"}
      - action: Pass
  `;

const base = [
  node('n1', { podCIDRs: ['10.244.0.0/24'], ips: ['192.168.0.1'] }),
  node('n2', { podCIDRs: ['10.244.1.0/24'], ips: ['192.168.0.2'] }),
  namespace('shop', { team: 'a' }),
  namespace('ops', { team: 'b' }),
  pod('shop/web', { labels: { app: 'web', tier: 'front' }, node: 'n1' }),
  pod('shop/api', { labels: { app: 'api' }, node: 'n2', ports: [{ name: 'http', port: 8080 }] }),
  pod('shop/db', { labels: { app: 'db' }, node: 'n1', ports: [{ name: 'pg', port: 5432 }] }),
  pod('ops/agent', { labels: { app: 'agent' }, node: 'n1', hostNetwork: true }),
  pod('ops/agent2', { labels: { app: 'agent' }, node: 'n2', hostNetwork: true }),
  pod('ops/scraper', { labels: { app: 'scraper' }, node: 'n2', ports: [{ name: 'metrics', port: 9090 }] }),
  pod('ops/v6', { labels: { app: 'v6' }, podIPs: ['fd00::5'] }),
  pod('ops/lost', { labels: { app: 'lost' } }),
  policy(
    'shop/api',
    yaml`
    podSelector: {matchLabels: {app: api}}
    policyTypes: [Ingress, Egress]
    ingress:
    - from: [{podSelector: {matchLabels: {tier: front}}}, {namespaceSelector: {matchLabels: {team: b}}}]
      ports: [{port: http}]
    egress:
    - to: [{podSelector: {matchLabels: {app: db}}}]
      ports: [{port: 5432}]
    `,
  ),
  policy(
    'shop/db',
    yaml`
    podSelector: {matchLabels: {app: db}}
    ingress:
    - from: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: pg}]
    `,
  ),
  policy(
    'ops/scraper',
    yaml`
    podSelector: {matchLabels: {app: scraper}}
    policyTypes: [Egress]
    egress:
    - to: [{namespaceSelector: {}}]
      ports: [{port: 9090}, {port: 8080}]
    `,
  ),
  policy(
    'ops/egress-dns',
    yaml`
    podSelector: {matchLabels: {app: v6}}
    policyTypes: [Egress]
    egress:
    - ports: [{port: 53, protocol: UDP}]
    `,
  ),
];

/** Outside addresses admitted to the database on its port, but not from the metadata range. */
const ipBlockPolicy = policy(
  'shop/db-outside',
  yaml`
    podSelector: {matchLabels: {app: db}}
    ingress:
    - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.0.0/16]}}]
      ports: [{port: 5432}]
    `,
);

const tierObject = 'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n';
const coreDns = [namespace('kube-system'), pod('kube-system/coredns-0', { labels: { 'k8s-app': 'kube-dns' } })];

/** The workspaces compared: guard rails in their own tier or in the default one, with and without DNS pods. */
const workspaces = [
  docs(...base, guard(false)),
  docs(...base, tierObject, guard(true)),
  docs(...base, tierObject, guard(true), ...coreDns),
];
describe('engine: connections the rules decide their own way', () => {
  it('ingressSources equals Engine.ingressAdmitting, sorted, for every class and port', () => {
    let fast = 0;
    for (const text of workspaces) {
      const a = analyzeYaml(text);
      for (const cls of a.engine.classes)
        for (const [protocol, port] of PORTS) {
          const expected = [...a.engine.ingressAdmitting(cls.id, protocol, port)].sort((x, y) => x - y);
          assert.deepEqual(ingressSources(a, cls, protocol, port), expected, `class ${cls.id} ${protocol}/${port}`);
          const odd = (c: { id: number }) => c.id % 2 === 1;
          assert.deepEqual(
            ingressSources(a, cls, protocol, port, odd),
            expected.filter((id) => id % 2 === 1),
          );
          const app = a.engine.applicable(cls.id, 'ingress');
          if (
            app.tiers.some(
              (t) =>
                a.policies.tiers[t.index].defaultAction === 'Deny' &&
                t.policies.every((p) => !p.ingress!.some((r) => r.action === 'Pass')),
            )
          )
            fast++;
        }
    }
    assert.ok(fast > 20, `${fast} asked where only an Allow rule can admit`);
  });

  it('outsideSources equals outsideAdmitting for every class and port', () => {
    let none = 0;
    let some = 0;
    for (const text of [
      ...workspaces,
      docs(...base, ipBlockPolicy),
      docs(...base, tierObject, guard(true), ipBlockPolicy),
    ]) {
      const a = analyzeYaml(text);
      for (const cls of a.engine.classes)
        for (const [protocol, port] of PORTS) {
          const expected = outsideAdmitting(a, cls, protocol, port);
          assert.deepEqual(outsideSources(a, cls, protocol, port), expected, `class ${cls.id} ${protocol}/${port}`);
          if (expected.length === 0) none++;
          else some++;
        }
    }
    assert.ok(none > 20, `${none} admitting no outside address`);
    assert.ok(some > 20, `${some} admitting some`);
  });

  it("Engine.egressAllowed (a source's destinations grouped once it has asked a few) equals the explained egress", () => {
    let grouped = 0;
    for (const text of workspaces) {
      const a = analyzeYaml(text);
      const pods = a.endpoints.filter((e) => e.kind === 'pod');
      for (const s of a.endpoints)
        for (const [protocol, port] of PORTS)
          for (const d of a.endpoints) {
            if (d.id === s.id) continue;
            const expected = a.engine.explainEndpoints(s, d, protocol, port).egress.allowed;
            assert.equal(
              a.engine.egressAllowed(s, d, protocol, port),
              expected,
              `${s.id} -> ${d.id} ${protocol}/${port}`,
            );
            if (s.kind === 'pod' && d.kind === 'pod') grouped++;
          }
      assert.ok(pods.length > 5);
    }
    assert.ok(grouped > 100, `${grouped} pod pairs asked`);
  });

  it("dns-blocked's DnsReach equals asking Engine.egressAllowed of every destination", () => {
    for (const text of workspaces) {
      const a = analyzeYaml(text);
      const dns = clusterDns(a);
      const reach = new DnsReach(a, dns);
      const anywhere = [
        ...a.engine.classes.filter((c) => c.kind === 'pod').map((c) => a.endpoints[c.members[0]]),
        ...externalClasses(a).map((c) => c.endpoint),
      ];
      for (const cls of a.engine.classes) {
        if (cls.kind !== 'pod') continue;
        const s = a.endpoints[cls.members[0]];
        for (const protocol of ['UDP', 'TCP'] as const) {
          const toDns = dns.endpoints.some((t) => t.id !== s.id && a.engine.egressAllowed(s, t, protocol, 53));
          assert.equal(reach.reachesDns(cls, s, protocol), toDns, `${s.id} ${protocol} to DNS`);
          const toAnything = anywhere.some((t) => t.id !== s.id && a.engine.egressAllowed(s, t, protocol, 53));
          assert.equal(reach.reachesAnything(cls, protocol), toAnything, `${s.id} ${protocol} anywhere`);
        }
      }
    }
  });
});
