/**
 * Endpoint classes must be invisible: a class-based answer equals the answer
 * computed for the two pods alone, for every pair and port.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { externalClasses } from '../../server/src/engine/address-classes';
import { analyzeSources } from '../../server/src/engine/analysis';
import { atomValues } from '../../server/src/engine/classes';
import { clusterDns } from '../../server/src/engine/cluster-dns';
import { discoverManifests, readSourceFile } from '../../server/src/yaml/discover';
import { analyzeYaml, conformanceDir, ROOT, yaml } from '../helpers';
import { docs, pod, policy } from '../manifests';

describe('engine: endpoint classes', () => {
  it('puts pods policy cannot tell apart in one class', () => {
    const a = analyzeYaml(
      docs(
        pod('a/web-1', { labels: { app: 'web', version: '1' } }),
        pod('a/web-2', { labels: { app: 'web', version: '2' } }),
        pod('a/db', { labels: { app: 'db' } }),
        pod('b/web', { labels: { app: 'web' } }),
        policy(
          'a/p',
          yaml`
            podSelector: {matchLabels: {app: db}}
            ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
          `,
        ),
      ),
    );
    const cls = (id: string) => a.engine.classIdOf(a.engine.indexOf(id)!);
    assert.equal(cls('a/web-1'), cls('a/web-2'), 'the version label is never asked about');
    assert.notEqual(cls('a/web-1'), cls('a/db'));
    assert.notEqual(cls('a/web-1'), cls('b/web'), 'the namespace matters to the podSelector');
    assert.equal(a.engine.classes.length, 3);
  });

  it('separates pods whose same-named ports differ', () => {
    const a = analyzeYaml(
      docs(
        pod('a/x', { ports: [{ name: 'http', port: 80 }] }),
        pod('a/y', { ports: [{ name: 'http', port: 8080 }] }),
        policy(
          'a/p',
          yaml`
            podSelector: {}
            ingress: [{ports: [{port: http}]}]
          `,
        ),
      ),
    );
    assert.notEqual(a.engine.classIdOf(0), a.engine.classIdOf(1));
  });

  for (const [name, paths] of [
    ['the example repository', [join(ROOT, 'examples')]],
    ['conformance case 011', [join(conformanceDir('netpol'), '011-multiple-podselectors-and-nsselectors')]],
    ['conformance case 020', [join(conformanceDir('netpol'), '020-named-port-egress')]],
  ] as const) {
    it(`gives the same answers as pair-by-pair evaluation on ${name}`, () => {
      const a = analyzeSources(discoverManifests(paths).files.map(readSourceFile));
      const n = a.endpoints.length;
      const ports: ['TCP' | 'UDP', number][] = [
        ['TCP', 80],
        ['TCP', 81],
        ['UDP', 80],
        ['TCP', 5432],
        ['TCP', 8000],
        ['TCP', 9090],
      ];
      let checked = 0;
      for (const [protocol, port] of ports) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const byClass = a.engine.allowed(i, j, protocol, port);
            const alone = a.engine.explainEndpoints(a.endpoints[i], a.endpoints[j], protocol, port).allowed;
            assert.equal(byClass, alone, `${a.endpoints[i].id} -> ${a.endpoints[j].id} ${protocol}/${port}`);
            checked++;
          }
        }
      }
      assert.ok(checked > 0);
    });
  }

  it('answers (egress alone, and both directions) like the explanation does, for pods, outside addresses and the assumed DNS pod', () => {
    const a = analyzeSources(discoverManifests([join(ROOT, 'examples')]).files.map(readSourceFile));
    const targets = [...a.endpoints, ...externalClasses(a).map((c) => c.endpoint), ...clusterDns(a).endpoints];
    let allowed = 0;
    for (const s of a.endpoints)
      for (const t of targets)
        for (const [protocol, port] of [
          ['UDP', 53],
          ['TCP', 53],
          ['TCP', 443],
        ] as const) {
          const byClass = a.engine.egressAllowed(s, t, protocol, port);
          const explained = a.engine.explainEndpoints(s, t, protocol, port);
          assert.equal(byClass, explained.egress.allowed, `${s.id} -> ${t.id}`);
          assert.equal(a.engine.allowedBetween(s, t, protocol, port), explained.allowed, `${s.id} -> ${t.id}`);
          const back = a.engine.explainEndpoints(t, s, protocol, port);
          assert.equal(a.engine.allowedBetween(t, s, protocol, port), back.allowed, `${t.id} -> ${s.id}`);
          if (byClass) allowed++;
        }
    assert.ok(allowed > 0 && allowed < a.endpoints.length * targets.length * 3, 'some allowed, some denied');
  });

  it('groups pod classes by their answers to the atoms asked, each class in one group', () => {
    const a = analyzeSources(discoverManifests([join(ROOT, 'examples')]).files.map(readSourceFile));
    const pods = a.engine.classes.filter((c) => c.kind === 'pod');
    for (const atoms of [[], [0], [0, 1, 2], a.policies.atoms.map((x) => x.id)]) {
      const groups = a.engine.peerGroups.groups(atoms);
      const seen = groups.flatMap((g) => g.classes().map((c) => c.id));
      assert.deepEqual(
        [...seen].sort((x, y) => x - y),
        pods.map((c) => c.id),
      );
      const answers = (c: (typeof pods)[number]) => JSON.stringify([c.families, atoms.map((x) => c.values.get(x))]);
      const keys = groups.map((g) => answers(g.representative));
      assert.equal(new Set(keys).size, groups.length, 'groups differ');
      for (const g of groups) {
        assert.equal(g.representative, g.classes()[0]);
        for (const c of g.classes()) assert.equal(answers(c), answers(g.representative));
      }
    }
  });

  it('evaluates atoms on indexed candidates only, with the same answers as evaluating every atom on every endpoint', () => {
    const paths = [
      join(ROOT, 'examples'),
      ...['netpol', 'calico', 'cnp'].flatMap((part) =>
        readdirSync(conformanceDir(part)).map((c) => join(conformanceDir(part), c)),
      ),
    ];
    let checked = 0;
    for (const path of paths) {
      const a = analyzeSources(discoverManifests([path]).files.map(readSourceFile));
      a.endpoints.forEach((ep, i) => {
        const cls = a.engine.classes[a.engine.classIdOf(i)];
        const reference = atomValues(a.policies.atoms, ep);
        assert.deepEqual(
          reference.map((_, k) => cls.values.get(k)),
          reference,
          `${path}: ${ep.id}`,
        );
        checked++;
      });
    }
    assert.ok(checked > 100);
  });
});
