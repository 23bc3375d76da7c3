/**
 * What a rule admits (engine/admission.ts) and whether one rule covers another
 * (engine/rule-containment.ts) decide once per group of classes the rule cannot tell apart, from
 * an index of each atom's unusual answers. Here both are compared with the plain way on random
 * workspaces: every subject class with every peer class and outside class, every port probe, the
 * whole condition evaluated each time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IpFamily } from '../../server/src/common/ip';
import { externalClasses } from '../../server/src/engine/address-classes';
import { type Admission, allAdmissions } from '../../server/src/engine/admission';
import type { Analysis } from '../../server/src/engine/analysis';
import { conditionMatches, directedPacket, type Packet } from '../../server/src/engine/evaluate';
import { addPortCuts, admittedPorts, intervalProbes } from '../../server/src/engine/port-cuts';
import { type PolicyRule, ruleCovers, tierRules } from '../../server/src/engine/rule-containment';
import type { CompiledPolicy, CompiledRule } from '../../server/src/policy/rule-model';
import { analyzeYaml } from '../helpers';
import { docs, namespace, pod } from '../manifests';
import { prng } from '../reliability/fuzz-cases';

/** A random workspace: two namespaces, replicated pods with a few labels and ports, Kubernetes and Calico policies. */
function workspace(seed: number): string {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const some = <T>(xs: readonly T[], max: number): T[] => {
    const n = 1 + Math.floor(random() * max);
    return Array.from({ length: n }, () => pick(xs));
  };
  const parts = [namespace('a', { team: 'x' }), namespace('b', { team: pick(['x', 'y']) })];
  const apps = ['web', 'api', 'db'];
  const ports = [
    { name: 'http', port: 80 },
    { name: 'http', port: 8080 },
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'metrics', port: 9090 },
    { port: 443 },
  ];
  for (let w = 0; w < 6; w++) {
    const ns = pick(['a', 'b']);
    const labels: Record<string, string> = { app: pick(apps) };
    if (random() < 0.6) labels.tier = pick(['front', 'back']);
    const podPorts = random() < 0.2 ? [] : some(ports, 2).filter((p, i, xs) => xs.indexOf(p) === i);
    const hostNetwork = random() < 0.1;
    for (let r = 0; r < 1 + Math.floor(random() * 3); r++)
      parts.push(pod(`${ns}/w${w}-${r}`, { labels, ports: podPorts, hostNetwork }));
  }
  const selector = () =>
    pick([{}, { matchLabels: { app: pick(apps) } }, { matchLabels: { tier: pick(['front', 'back']) } }]);
  const kubePort = () =>
    pick([
      { port: 80 },
      { port: 'http' },
      { port: 'dns', protocol: 'UDP' },
      { port: 53, protocol: 'UDP' },
      { port: 8000, endPort: 9000 },
      { protocol: 'SCTP' },
      { port: 'metrics' },
    ]);
  const kubePeer = () =>
    pick([
      { podSelector: selector() },
      { namespaceSelector: pick([{}, { matchLabels: { team: pick(['x', 'y']) } }]) },
      { namespaceSelector: {}, podSelector: selector() },
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } },
      { ipBlock: { cidr: pick(['10.244.0.0/16', '203.0.113.0/24', '0.0.0.0/0']) } },
    ]);
  const kubeRule = (side: 'from' | 'to') => {
    const rule: Record<string, unknown> = {};
    if (random() < 0.8) rule[side] = some([0, 1, 2].map(kubePeer), 2);
    if (random() < 0.7) rule.ports = some([0, 1, 2].map(kubePort), 2);
    return rule;
  };
  for (let p = 0; p < 4; p++) {
    const ns = pick(['a', 'b']);
    const spec: Record<string, unknown> = { podSelector: selector() };
    const types = pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    spec.policyTypes = types;
    if (types.includes('Ingress'))
      spec.ingress = some(
        [0, 1].map(() => kubeRule('from')),
        2,
      );
    if (types.includes('Egress'))
      spec.egress = some(
        [0, 1].map(() => kubeRule('to')),
        2,
      );
    parts.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: k${p}, namespace: ${ns}}\nspec: ${JSON.stringify(spec)}\n`,
    );
  }
  const calicoSelector = () => pick(['all()', `app == '${pick(apps)}'`, 'has(tier)', `tier != 'front'`]);
  const entity = () =>
    pick([
      {},
      { selector: calicoSelector() },
      { nets: [pick(['10.244.0.0/16', '0.0.0.0/0', '203.0.113.0/24'])] },
      { selector: calicoSelector(), ports: [pick([80, 'http', '8000:9000', 'metrics'])] },
      { notPorts: [pick([22, '1:1024', 'http'])] },
      { notNets: ['10.0.0.0/8'] },
    ]);
  const calicoRule = () => {
    const rule: Record<string, unknown> = { action: pick(['Allow', 'Allow', 'Deny', 'Pass', 'Log']) };
    if (random() < 0.6) rule.protocol = pick(['TCP', 'UDP']);
    rule.source = random() < 0.5 ? entity() : {};
    rule.destination = entity();
    if (rule.protocol === undefined)
      for (const side of ['source', 'destination'] as const) {
        const e = rule[side] as Record<string, unknown>;
        delete e.ports;
        delete e.notPorts;
      }
    return rule;
  };
  for (let p = 0; p < 3; p++) {
    const spec = {
      order: Math.floor(random() * 300),
      selector: calicoSelector(),
      types: ['Ingress', 'Egress'],
      ingress: some([0, 1, 2].map(calicoRule), 3),
      egress: some([0, 1, 2].map(calicoRule), 3),
    };
    parts.push(
      `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: c${p}, namespace: ${pick(['a', 'b'])}}\nspec: ${JSON.stringify(spec)}\n`,
    );
  }
  return docs(...parts);
}

interface Plain {
  subjects: number[];
  peers: number[];
  external: number[];
  ports: string;
  families: readonly IpFamily[];
}

const plainOf = (adm: Admission): Plain => ({
  subjects: adm.subjectClasses.map((c) => c.id),
  peers: adm.peerClasses.map((c) => c.id),
  external: adm.externalClasses.map((c) => c.id),
  ports: JSON.stringify(adm.ports),
  families: adm.families,
});

/** The rule's probes: cut at every party's numbers for its named ports (any party may be the destination). */
function probesOf(a: Analysis, rule: CompiledRule) {
  const cuts = new Set<number>([1, 65536]);
  addPortCuts(
    rule.condition,
    [...a.engine.classes, ...externalClasses(a)].map((c) => c.values),
    cuts,
  );
  return intervalProbes(cuts);
}

/** What the rule admits, every subject class with every party on every probe. */
function plainAdmission(a: Analysis, policy: CompiledPolicy, rule: CompiledRule): Plain {
  const subjects = a.engine.classes.filter((c) => c.kind === 'pod' && c.values.get(policy.subject) === true);
  const families = ([4, 6] as const).filter((f) => subjects.some((s) => s.families.includes(f)));
  const probes = probesOf(a, rule);
  const admitted = probes.map(() => false);
  const admits = (values: Packet['dst'], peerFamilies: readonly IpFamily[]): boolean => {
    let any = false;
    probes.forEach((probe, i) => {
      for (const family of peerFamilies)
        for (const s of subjects) {
          if (!s.families.includes(family)) continue;
          const p = directedPacket(rule.direction, probe.protocol, probe.from, family, s.values, values);
          if (conditionMatches(rule.condition, p)) {
            any = true;
            admitted[i] = true;
          }
        }
    });
    return any;
  };
  const none = subjects.length === 0;
  const peers = none ? [] : a.engine.classes.filter((c) => admits(c.values, c.families)).map((c) => c.id);
  const external = none
    ? []
    : externalClasses(a)
        .filter((c) => admits(c.values, [c.family]))
        .map((c) => c.id);
  const ports = admittedPorts(probes, admitted);
  return { subjects: subjects.map((c) => c.id), peers, external, ports: JSON.stringify(ports), families };
}

/** Whether `outer` covers `inner`, every subject with every peer on every probe (the first version of ruleCovers). */
function plainCovers(admission: Map<CompiledRule, Admission>, outer: PolicyRule, inner: PolicyRule) {
  if (outer.rule.direction !== inner.rule.direction) return false;
  const ia = admission.get(inner.rule)!;
  const oa = admission.get(outer.rule)!;
  if (!ia.subjectClasses.length || !ia.ports.length || !(ia.peerClasses.length || ia.externalClasses.length))
    return false;
  const within = (x: readonly { id: number }[], y: readonly { id: number }[]) => x.every((c) => y.includes(c));
  if (!within(ia.subjectClasses, oa.subjectClasses)) return false;
  if (!within(ia.peerClasses, oa.peerClasses) || !within(ia.externalClasses, oa.externalClasses)) return false;
  const portsWithin = ia.ports.every((set) => {
    const o = oa.ports.find((x) => x.protocol === set.protocol);
    return !!o && set.ranges.every(([lo, hi]) => o.ranges.some(([p, q]) => p <= lo && hi <= q));
  });
  if (!portsWithin) return false;
  const peers = [
    ...ia.peerClasses.map((c) => ({ values: c.values, families: c.families })),
    ...ia.externalClasses.map((c) => ({ values: c.values, families: [c.family] as readonly IpFamily[] })),
  ];
  const cuts = new Set<number>([1, 65536]);
  const values = [...ia.subjectClasses.map((s) => s.values), ...peers.map((p) => p.values)];
  addPortCuts(inner.rule.condition, values, cuts);
  addPortCuts(outer.rule.condition, values, cuts);
  const sorted = [...cuts].filter((p) => p >= 1 && p <= 65536).sort((x, y) => x - y);
  for (const s of ia.subjectClasses)
    for (const peer of peers)
      for (const family of peer.families) {
        if (!s.families.includes(family)) continue;
        for (const set of ia.ports)
          for (let i = 0; i + 1 < sorted.length; i++) {
            const port = sorted[i];
            if (!set.ranges.some(([lo, hi]) => lo <= port && port <= hi)) continue;
            const p = directedPacket(inner.rule.direction, set.protocol, port, family, s.values, peer.values);
            if (conditionMatches(inner.rule.condition, p) && !conditionMatches(outer.rule.condition, p)) return false;
          }
      }
  return true;
}

describe('engine: admissions and rule containment, by class groups and the plain way', () => {
  it('agree on random workspaces', () => {
    let covering = 0;
    let admitting = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const a = analyzeYaml(workspace(seed));
      const admissions = allAdmissions(a);
      assert.ok(admissions.length > 0, `seed ${seed}: no rule`);
      const byRule = new Map(admissions.map((adm) => [adm.rule, adm]));
      for (const adm of admissions) {
        const plain = plainAdmission(a, adm.policy, adm.rule);
        assert.deepEqual(
          plainOf(adm),
          plain,
          `seed ${seed}: ${adm.policy.ref.name} ${adm.rule.direction} ${adm.rule.index}`,
        );
        if (plain.peers.length && plain.peers.length < a.engine.classes.length) admitting++;
      }
      for (const tier of a.policies.tiers)
        for (const direction of ['ingress', 'egress'] as const) {
          const rules = tierRules(tier.policies, direction);
          for (const outer of rules)
            for (const inner of rules) {
              if (outer === inner) continue;
              const expected = plainCovers(byRule, outer, inner);
              assert.equal(
                ruleCovers(a, outer, inner),
                expected,
                `seed ${seed}: ${outer.rule.summary} / ${inner.rule.summary}`,
              );
              if (expected) covering++;
            }
        }
    }
    // The workspaces are varied enough to tell a wrong grouping from a right one.
    assert.ok(admitting > 50, `${admitting} rules admit some but not all classes`);
    assert.ok(covering > 20, `${covering} rules cover another`);
  });
});
