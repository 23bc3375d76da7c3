/**
 * The cross-policy rules take shortcuts at scale: isolation settles most classes with one probe
 * before grouping peers, and cidr-covers-pods finds a CIDR's pods in a sorted address index. Here
 * both are compared with the plain way on random workspaces: every peer class and internet class,
 * every protocol and every port piece of the whole analysis; every pod address tested against the
 * CIDR and its exceptions; the outside address classes that reach a pod class, decided per group of
 * address classes its ingress rules cannot tell apart, against asking each address class.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrContains, isCidr, parseCidr } from '../../server/src/common/ip';
import { externalClasses, outsideAdmitting } from '../../server/src/engine/address-classes';
import type { Analysis } from '../../server/src/engine/analysis';
import type { EndpointClass } from '../../server/src/engine/classes';
import { EVERY_PORT, probePorts } from '../../server/src/engine/connections';
import { decide, directedPacket } from '../../server/src/engine/evaluate';
import { isOpen } from '../../server/src/engine/isolation';
import { podsIn } from '../../server/src/lint/rules/cidr-covers-pods';
import type { Direction } from '../../server/src/policy/rule-model';
import { analyzeYaml } from '../helpers';
import { docs, namespace, node, pod } from '../manifests';
import { prng } from '../reliability/fuzz-cases';

/** A random workspace: two nodes, two namespaces, replicated pods, Kubernetes and Calico policies that often isolate nothing. */
function workspace(seed: number): string {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const some = <T>(xs: readonly T[], max: number): T[] =>
    Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(xs));
  const parts = [node('n1'), node('n2'), namespace('a', { team: 'x' }), namespace('b', { team: 'y' })];
  const apps = ['web', 'api', 'db'];
  for (let w = 0; w < 6; w++) {
    const ns = pick(['a', 'b']);
    const labels: Record<string, string> = { app: pick(apps) };
    if (random() < 0.5) labels.tier = pick(['front', 'back']);
    const ports = some([{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }, { port: 5432 }], 2);
    const hostNetwork = random() < 0.1;
    for (let r = 0; r < 1 + Math.floor(random() * 3); r++)
      parts.push(
        pod(`${ns}/w${w}-${r}`, { labels, ports: ports.filter((p, i) => ports.indexOf(p) === i), hostNetwork }),
      );
  }
  const selector = () => pick([{}, { matchLabels: { app: pick(apps) } }, { matchLabels: { tier: 'front' } }]);
  const kubePeer = () =>
    pick([
      { podSelector: selector() },
      { namespaceSelector: {} },
      { namespaceSelector: { matchLabels: { team: pick(['x', 'y']) } } },
      { ipBlock: { cidr: '0.0.0.0/0' } },
      { ipBlock: { cidr: '0.0.0.0/0', except: [pick(['10.0.0.0/8', '169.254.169.254/32'])] } },
    ]);
  const kubeRule = (side: 'from' | 'to') => {
    const rule: Record<string, unknown> = {};
    if (random() < 0.6) rule[side] = some([0, 1].map(kubePeer), 2);
    if (random() < 0.5) rule.ports = [pick([{ port: 80 }, { port: 'metrics' }, { port: 1, endPort: 1000 }])];
    return rule;
  };
  for (let p = 0; p < 1 + Math.floor(random() * 3); p++) {
    const types = pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    const spec: Record<string, unknown> = { podSelector: selector(), policyTypes: types };
    if (types.includes('Ingress'))
      spec.ingress =
        random() < 0.2
          ? []
          : some(
              [0].map(() => kubeRule('from')),
              2,
            );
    if (types.includes('Egress'))
      spec.egress =
        random() < 0.2
          ? []
          : some(
              [0].map(() => kubeRule('to')),
              2,
            );
    parts.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: k${p}, namespace: ${pick(['a', 'b'])}}\nspec: ${JSON.stringify(spec)}\n`,
    );
  }
  const calicoRule = () => {
    const rule: Record<string, unknown> = { action: pick(['Allow', 'Deny', 'Pass', 'Log']) };
    if (random() < 0.5) rule.protocol = pick(['TCP', 'UDP']);
    const destination: Record<string, unknown> = pick([
      {},
      { nets: ['169.254.169.254/32'] },
      { notNets: ['10.0.0.0/8'] },
      { selector: `app == '${pick(apps)}'` },
    ]);
    if (rule.protocol && random() < 0.5) destination.ports = [pick([80, '1:1024', 'metrics'])];
    rule.destination = destination;
    return rule;
  };
  if (random() < 0.7)
    parts.push(
      `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec: ${JSON.stringify({
        selector: pick(['all()', `app == '${pick(apps)}'`]),
        types: ['Ingress', 'Egress'],
        ingress: some([0, 1].map(calicoRule), 2),
        egress: some([0, 1].map(calicoRule), 2),
      })}\n`,
    );
  return docs(...parts);
}

/** Open by the plain walk: every pod, host and internet class, every family, protocol and port piece. */
function plainOpen(a: Analysis, cls: EndpointClass, direction: Direction): boolean {
  if (cls.kind !== 'pod') return true;
  const app = a.engine.applicable(cls.id, direction);
  if (app.tiers.length === 0) return true;
  const own = cls.families.length ? cls.families : [4, 6];
  const peers = [
    ...a.engine.classes.map((c) => ({ values: c.values, families: c.families })),
    ...externalClasses(a)
      .filter((c) => c.tags.has('internet'))
      .map((c) => ({ values: c.values, families: [c.family] })),
  ];
  for (const peer of peers)
    for (const family of peer.families.filter((f) => own.includes(f)))
      for (const probe of EVERY_PORT)
        for (const port of probePorts(a, probe)) {
          const packet = directedPacket(direction, probe.protocol, port, family, cls.values, peer.values);
          if (!decide(a.policies, app, direction, packet)) return false;
        }
  return true;
}

describe('cross-policy rules: the same answers as the plain way on random workspaces', () => {
  it('isolation: open or not, per pod class and direction', () => {
    let open = 0;
    let isolated = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const a = analyzeYaml(workspace(seed));
      for (const cls of a.engine.classes)
        for (const direction of ['ingress', 'egress'] as const) {
          const expected = plainOpen(a, cls, direction);
          assert.equal(isOpen(a, cls, direction), expected, `seed ${seed}, class ${cls.id}, ${direction}`);
          if (cls.kind === 'pod') expected ? open++ : isolated++;
        }
    }
    // Both answers occur, so a shortcut that always says one of them fails.
    assert.ok(open > 20 && isolated > 20, `open ${open}, isolated ${isolated}`);
  });

  it('outside addresses reaching a pod class: each address class asked on its own', () => {
    let admitted = 0;
    let denied = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const a = analyzeYaml(workspace(seed));
      for (const cls of a.engine.classes) {
        const target = a.endpoints[cls.members[0]];
        for (const [protocol, port] of [
          ['TCP', 80],
          ['TCP', 9090],
          ['UDP', 53],
        ] as const) {
          const plain = externalClasses(a).filter(
            (x) => cls.families.includes(x.family) && a.engine.allowedBetween(x.endpoint, target, protocol, port),
          );
          const fast = outsideAdmitting(a, cls, protocol, port);
          assert.deepEqual(
            fast.map((x) => x.id),
            plain.map((x) => x.id),
            `seed ${seed}, class ${cls.id}, ${protocol}/${port}`,
          );
          admitted += plain.length;
          denied += externalClasses(a).length - plain.length;
        }
      }
    }
    assert.ok(admitted > 100 && denied > 100, `admitted ${admitted}, denied ${denied}`);
  });

  it("cidr-covers-pods: a CIDR's pods, exceptions left out, in endpoint order", () => {
    let found = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const random = prng(seed * 7919);
      const a = analyzeYaml(workspace(seed));
      const addresses = a.endpoints.flatMap((e) => e.ips.map((ip) => ip.text));
      for (let k = 0; k < 20 && addresses.length; k++) {
        const ip = addresses[Math.floor(random() * addresses.length)];
        const prefix = [32, 31, 28, 24, 16, 8][Math.floor(random() * 6)];
        const cidr = parseCidr(`${ip}/${prefix}`);
        const other = addresses[Math.floor(random() * addresses.length)];
        const except = (random() < 0.5 ? [`${other}/32`, `${other}/30`].slice(0, 1 + Math.floor(random() * 2)) : [])
          .map(parseCidr)
          .filter(isCidr);
        if (!isCidr(cidr)) continue;
        const plain = a.endpoints.filter(
          (e) =>
            e.kind === 'pod' && e.ips.some((x) => cidrContains(cidr, x) && !except.some((c) => cidrContains(c, x))),
        );
        const fast = podsIn(a, cidr, except);
        assert.deepEqual(
          fast.map((e) => e.id),
          plain.map((e) => e.id),
          `seed ${seed}: ${cidr.text} except ${except.map((c) => c.text).join(', ')}`,
        );
        found += plain.length;
      }
    }
    assert.ok(found > 100, `pods found ${found}`);
  });
});
