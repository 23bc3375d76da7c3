/**
 * calico-allow-overrides-policy decides once per group of peer classes and once per interval of
 * the subject's own port cuts. Here the same overrides are found the slow way, as the rule first
 * did: every subject class, every peer (pod class or outside address class), every port piece,
 * each direction explained step by step. Both must agree on every rule, pair, port and flag.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateCluster } from '../../bench/generate';
import { SourceFile } from '../../server/src/common/source';
import { type ExternalClass, externalClasses } from '../../server/src/engine/address-classes';
import { type Analysis, analyzeSources } from '../../server/src/engine/analysis';
import type { EndpointClass } from '../../server/src/engine/classes';
import { EVERY_PORT, probePorts } from '../../server/src/engine/connections';
import { type Applicable, applicablePolicies, explainDirection, type Packet } from '../../server/src/engine/evaluate';
import { findOverrides, type Override } from '../../server/src/lint/rules/calico-allow-overrides-policy';
import { type Direction, policyName } from '../../server/src/policy/rule-model';
import { discoverManifests, readSourceFile } from '../../server/src/yaml/discover';
import { analyzeYaml, conformanceDir, ROOT, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

interface Summary {
  readonly tier: string;
  readonly team: string[];
  readonly classPairs: string[];
  readonly outside: number[];
  readonly outsidePods: number[];
  readonly ports: string[];
  later: boolean;
  readonly earlier: boolean;
}

function summary(o: Override): [string, Summary] {
  return [
    `${policyName(o.policy.ref)}|${o.rule.direction}|${o.rule.index}|${o.namespace}`,
    {
      tier: o.tier,
      team: o.team.map((p) => policyName(p.ref)),
      classPairs: [...o.classPairs],
      outside: [...o.outside].map((c) => c.id),
      outsidePods: [...o.outsidePods].map((c) => c.id),
      ports: [...o.ports.values()].map((p) => `${p.protocol}/${p.from}-${p.to}`),
      later: o.later,
      earlier: o.earlier,
    },
  ];
}

type Party = EndpointClass | ExternalClass;
const isExternal = (c: Party): c is ExternalClass => !('members' in c);

/** The rule's first version: every subject x every peer x every piece, each direction explained. */
function slowOverrides(a: Analysis): Map<string, Summary> {
  const set = a.policies;
  const pods = a.engine.classes.filter((c) => c.kind === 'pod');
  const outside = externalClasses(a);
  const pieces = EVERY_PORT.flatMap((probe) => {
    const ports = probePorts(a, probe);
    return ports.map((port, i) => ({
      protocol: probe.protocol,
      port,
      last: i + 1 < ports.length ? ports[i + 1] - 1 : probe.to,
    }));
  });
  const out = new Map<string, Summary & { ports: string[] }>();
  for (const direction of ['ingress', 'egress'] as Direction[]) {
    for (const subject of pods) {
      const app = applicablePolicies(set, subject.values, direction);
      const team: Applicable = {
        tiers: app.tiers
          .map((t) => ({
            index: t.index,
            policies: t.policies.filter((p) => p.ref.kind === 'NetworkPolicy' && p.ref.group === undefined),
          }))
          .filter((t) => t.policies.length > 0),
      };
      if (team.tiers.length === 0) continue;
      if (!app.tiers.some((t) => t.policies.some((p) => p.ref.group === 'projectcalico.org'))) continue;
      const namespace = a.endpoints[subject.members[0]].namespace ?? '';
      for (const peer of [...pods, ...outside] as Party[]) {
        const [src, dst] = direction === 'ingress' ? [peer, subject] : [subject, peer];
        const families = (c: Party) => (isExternal(c) ? [c.family] : c.families);
        const family = ([4, 6] as const).find((f) => families(src).includes(f) && families(dst).includes(f));
        if (family === undefined) continue;
        const endpoint = (c: Party, second: boolean) =>
          isExternal(c) ? c.endpoint : a.endpoints[c.members[second ? 1 : 0]];
        if (!isExternal(dst) && dst === src && dst.members.length < 2) continue;
        for (const piece of pieces) {
          const packet: Packet = {
            protocol: piece.protocol,
            port: piece.port,
            family,
            src: src.values,
            dst: dst.values,
          };
          if (explainDirection(set, team, direction, packet).allowed) continue;
          if (!a.engine.allowedBetween(endpoint(src, false), endpoint(dst, src === dst), piece.protocol, piece.port))
            continue;
          const own = explainDirection(set, app, direction, packet);
          const step = own.steps[own.steps.length - 1];
          if (own.reason !== 'rule' || step.action !== 'Allow' || !step.policy) continue;
          const name = policyName(step.policy);
          if (step.policy.group !== 'projectcalico.org') continue;
          const tier = set.tiers.findIndex((t) => t.name === step.tier);
          const policy = set.tiers[tier].policies.find((p) => policyName(p.ref) === name)!;
          const key = `${name}|${direction}|${step.ruleIndex}|${namespace}`;
          let o = out.get(key);
          if (!o) {
            o = {
              tier: step.tier,
              team: [],
              classPairs: [],
              outside: [],
              outsidePods: [],
              ports: [],
              later: false,
              earlier: team.tiers.every((t) => tier < t.index),
            };
            out.set(key, o);
          }
          for (const p of team.tiers.flatMap((t) => t.policies))
            if (!o.team.includes(policyName(p.ref))) o.team.push(policyName(p.ref));
          const add = <T>(list: T[], x: T) => {
            if (!list.includes(x)) list.push(x);
          };
          if (isExternal(peer)) {
            add(o.outside, peer.id);
            add(o.outsidePods, subject.id);
          } else add(o.classPairs, `${src.id}|${(dst as EndpointClass).id}`);
          add(o.ports, `${piece.protocol}/${piece.port}-${piece.last}`);
          if (team.tiers.some((t) => t.index === tier && t.policies.some((p) => p.order <= policy.order)))
            o.later = true;
        }
      }
    }
  }
  return out;
}

function assertSame(a: Analysis, where: string): number {
  const fast = new Map(findOverrides(a).map(summary));
  if (process.env.SHOW) console.log(where, fast);
  const slow = slowOverrides(a);
  assert.deepEqual([...fast.keys()], [...slow.keys()], `${where}: the overriding rules, in order`);
  for (const [key, s] of slow) {
    const f = fast.get(key)!;
    assert.deepEqual({ ...f, ports: [...f.ports].sort() }, { ...s, ports: [...s.ports].sort() }, `${where}: ${key}`);
  }
  return fast.size;
}

describe('calico-allow-overrides-policy: the same overrides as deciding every class pair on every port piece', () => {
  it('on the examples and every Calico conformance case (where it finds none)', () => {
    const paths = [
      join(ROOT, 'examples'),
      ...readdirSync(conformanceDir('calico')).map((c) => join(conformanceDir('calico'), c)),
    ];
    for (const path of paths) assertSame(analyzeSources(discoverManifests([path]).files.map(readSourceFile)), path);
  });

  it('on tiers, named ports, both directions, Log, Pass and the outside world', () => {
    const text = docs(
      namespace('shop'),
      namespace('monitoring'),
      pod('shop/db', { labels: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] }),
      pod('shop/db-2', { labels: { app: 'db' }, ports: [{ name: 'pg', port: 5433 }] }),
      pod('shop/api', { labels: { app: 'api' }, ports: [{ name: 'http', port: 8080 }] }),
      pod('shop/api-2', { labels: { app: 'api' }, ports: [{ name: 'http', port: 8080 }] }),
      pod('monitoring/prom', { labels: { app: 'prom' }, ports: [{ name: 'metrics', port: 9090 }] }),
      policy(
        'shop/db-from-api',
        yaml`
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: api}}}]
            ports: [{port: pg}]
        `,
      ),
      policy(
        'shop/api-egress',
        yaml`
          podSelector: {matchLabels: {app: api}}
          policyTypes: [Egress, Ingress]
          egress:
          - to: [{podSelector: {matchLabels: {app: db}}}]
            ports: [{port: 5432}]
        `,
      ),
      yaml`
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: platform}
        spec: {order: 100, defaultAction: Pass}
      `,
      yaml`
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: platform.scrape}
        spec:
          tier: platform
          order: 10
          selector: all()
          types: [Ingress, Egress]
          ingress:
          - action: Log
          - action: Allow
            protocol: TCP
            source: {selector: app == 'prom'}
            destination: {ports: [http, pg]}
          - action: Deny
            source: {nets: [169.254.169.254/32]}
          - action: Pass
          egress:
          - action: Allow
            protocol: TCP
            source: {selector: app == 'api'}
            destination: {ports: [pg, metrics], selector: app != 'api'}
          - action: Allow
            protocol: TCP
            destination: {nets: [0.0.0.0/0], notNets: [10.0.0.0/8], ports: [443, '8000:8100']}
      `,
      yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: late-allow, namespace: shop}
        spec:
          order: 2000
          selector: app == 'api'
          ingress:
          - action: Allow
            source: {namespaceSelector: all()}
      `,
    );
    assert.ok(assertSame(analyzeYaml(text), 'hand-written cluster') >= 3);
  });

  it("on a generated cluster (the bench's, 200 pods: tiers, Calico Allow, Pass and Deny, outside nets)", () => {
    const a = analyzeSources(generateCluster(200).map((f) => new SourceFile(f.path, f.text)));
    assert.ok(assertSame(a, 'generated cluster') >= 4);
  });
});
