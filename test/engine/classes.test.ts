/**
 * Endpoint classes must be invisible: a class-based answer equals the answer
 * computed for the two pods alone, for every pair and port.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeSources } from '../../server/src/engine/analysis';
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
});
