/**
 * sensitive-port-exposed asks only the source classes the target's ingress admits, finds client
 * namespaces and opening rules from indexes built once, and answers outside addresses without a
 * trace. Here the same exposures are found the slow way, as the rule first did: every pod class
 * asked with a full explanation, every admission scanned per exposure.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateCluster } from '../../bench/generate';
import { SourceFile } from '../../server/src/common/source';
import { type Admission, allAdmissions } from '../../server/src/engine/admission';
import { externalClasses } from '../../server/src/engine/address-classes';
import { type Analysis, analyzeSources } from '../../server/src/engine/analysis';
import type { EndpointClass } from '../../server/src/engine/classes';
import { membersOf, ownerName } from '../../server/src/engine/describe';
import { defaultProjectConfig, type SensitivePort } from '../../server/src/lint/project-config';
import { type Exposure, findExposures, neededBy } from '../../server/src/lint/rules/sensitive-port-exposed';
import { policyName } from '../../server/src/policy/rule-model';
import { discoverManifests, readSourceFile } from '../../server/src/yaml/discover';
import { analyzeYaml, ROOT, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

interface Summary {
  readonly key: string;
  readonly namespaces: string[];
  readonly outside: number[];
  readonly opening: string[];
  readonly clients: string[];
}

const ruleName = (adm: Admission) => `${policyName(adm.policy.ref)} ${adm.rule.direction}[${adm.rule.index}]`;

function summary(a: Analysis, x: Exposure): Summary {
  return {
    key: `${ownerName(a.endpoints[x.target])}|${x.sp.protocol}/${x.sp.port}`,
    namespaces: [...x.namespaces].sort(),
    outside: x.outsideClasses.map((c) => c.id),
    opening: x.opening.map(ruleName),
    clients: [...x.clients],
  };
}

const admitsPort = (adm: Admission, sp: SensitivePort) =>
  adm.ports.some((p) => p.protocol === sp.protocol && p.ranges.some(([lo, hi]) => sp.port >= lo && sp.port <= hi));

/** The rule's first version: every pod class explained, every admission scanned, per exposure. */
function slowExposures(a: Analysis): Summary[] {
  const config = defaultProjectConfig('.');
  const admissions = allAdmissions(a).filter((x) => x.rule.action === 'Allow');
  const clientNamespaces = (cls: EndpointClass, sp: SensitivePort) => {
    const out = new Set<string>();
    for (const adm of admissions) {
      if (adm.rule.direction !== 'egress' || !adm.peerClasses.includes(cls) || !admitsPort(adm, sp)) continue;
      if (adm.peerClasses.length === a.engine.classes.length) continue;
      for (const i of membersOf(adm.subjectClasses)) out.add(a.endpoints[i].namespace!);
    }
    return [...out].sort();
  };
  const out: Summary[] = [];
  const done = new Set<string>();
  for (const cls of a.engine.classes) {
    if (cls.kind !== 'pod') continue;
    for (const target of cls.members) {
      const e = a.endpoints[target];
      for (const sp of config.sensitivePorts) {
        if (!e.pod?.spec.ports.some((p) => p.containerPort === sp.port && p.protocol === sp.protocol)) continue;
        const key = `${ownerName(e)}|${sp.protocol}/${sp.port}`;
        if (done.has(key)) continue;
        done.add(key);
        const clients = clientNamespaces(cls, sp);
        const needing = new Set(neededBy(a, config, e, sp));
        const namespaces = new Set<string>();
        for (const src of a.engine.classes) {
          if (src.kind !== 'pod') continue;
          const outside = src.members.filter((i) => {
            const from = a.endpoints[i].namespace!;
            return from !== e.namespace && !clients.includes(from) && !needing.has(i);
          });
          if (outside.length === 0 || !a.engine.explain(outside[0], target, sp.protocol, sp.port).allowed) continue;
          for (const i of outside) namespaces.add(a.endpoints[i].namespace!);
        }
        const outsideClasses = externalClasses(a).filter(
          (x) =>
            cls.families.includes(x.family) && a.engine.explainEndpoints(x.endpoint, e, sp.protocol, sp.port).allowed,
        );
        if (namespaces.size === 0 && outsideClasses.length === 0) continue;
        const opening = admissions.filter(
          (adm) =>
            adm.rule.direction === 'ingress' &&
            adm.subjectClasses.includes(cls) &&
            admitsPort(adm, sp) &&
            (membersOf(adm.peerClasses).some((i) => namespaces.has(a.endpoints[i].namespace ?? '')) ||
              adm.externalClasses.some((x) => outsideClasses.includes(x))),
        );
        out.push({
          key,
          namespaces: [...namespaces].sort(),
          outside: outsideClasses.map((c) => c.id),
          opening: opening.map(ruleName),
          clients,
        });
      }
    }
  }
  return out;
}

function assertSame(a: Analysis, where: string): number {
  const fast = findExposures(a, defaultProjectConfig('.')).map((x) => summary(a, x));
  assert.deepEqual(fast, slowExposures(a), where);
  return fast.length;
}

describe('sensitive-port-exposed: the same exposures as asking every pod class and every admission', () => {
  it('on the examples', () => {
    assertSame(analyzeSources(discoverManifests([join(ROOT, 'examples')]).files.map(readSourceFile)), 'examples');
  });

  it('on declared clients, an unisolated target, the outside world and several namespaces', () => {
    const text = docs(
      namespace('data'),
      namespace('web'),
      namespace('ops'),
      namespace('cache'),
      pod('data/pg', { labels: { app: 'pg' }, ports: [{ name: 'pg', port: 5432 }] }),
      pod('data/pg-2', { labels: { app: 'pg' }, ports: [{ name: 'pg', port: 5432 }] }),
      pod('cache/redis', { labels: { app: 'redis' }, ports: [{ name: 'redis', port: 6379 }] }),
      pod('data/app', { labels: { app: 'app' } }),
      pod('web/front', { labels: { app: 'front' } }),
      pod('ops/backup', { labels: { app: 'backup' } }),
      pod('ops/backup-2', { labels: { app: 'backup', tier: 'cold' } }),
      policy(
        'data/pg',
        yaml`
          podSelector: {matchLabels: {app: pg}}
          ingress:
          - from:
            - namespaceSelector: {}
            ports:
            - port: 5432
          - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
            ports: [{port: pg}]
        `,
      ),
      policy(
        'ops/backup-out',
        yaml`
          podSelector: {matchLabels: {app: backup}}
          egress:
          - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: data}}, podSelector: {matchLabels: {app: pg}}}]
            ports: [{port: 5432}]
        `,
      ),
    );
    assert.ok(assertSame(analyzeYaml(text), 'hand-written cluster') >= 2);
  });

  it("on a generated cluster (the bench's, 200 pods)", () => {
    const a = analyzeSources(generateCluster(200).map((f) => new SourceFile(f.path, f.text)));
    assert.ok(assertSame(a, 'generated cluster') >= 10);
  });
});
