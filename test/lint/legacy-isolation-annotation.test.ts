import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixWorks, canReach, analyzeYaml, ISOLATION_FINDINGS, lintYaml, spanned, yaml } from '../helpers';
import { docs, pod, policy } from '../manifests';
import { SourceFile } from '../../server/src/common/source';
import { analyzeSources } from '../../server/src/engine/analysis';

const ID = 'legacy-isolation-annotation';
const annotated = (value = `'{"ingress": {"isolation": "DefaultDeny"}}'`) => yaml`
  apiVersion: v1
  kind: Namespace
  metadata:
    name: legacy
    annotations:
      net.beta.kubernetes.io/network-policy: ${value}
`;
const only = (...texts: string[]) => lintYaml(texts).filter((f) => f.rule === ID);

describe('lint: legacy-isolation-annotation', () => {
  it('reports the annotation at its value: current clusters ignore it, and the pods are open', () => {
    const [f] = only(docs(annotated(), pod('legacy/app'), pod('legacy/db')));
    assert.equal(f.severity, 'warning');
    assert.equal(spanned(f), `'{"ingress": {"isolation": "DefaultDeny"}}'`);
    assert.match(
      f.message,
      /since 1\.7 clusters ignore it, so it isolates nothing in namespace legacy\. 2 pods of 2 accept connections/,
    );
  });

  it('adds a default-deny in a new file when the namespace has no policies, and the pods are isolated after', () => {
    const text = docs(annotated(), pod('legacy/app'), pod('legacy/db'));
    const [f] = only(text);
    assert.equal(f.fixes?.[0].createFiles?.[0].path, 'legacy-default-deny-ingress.yaml');
    const [, created] = assertFixWorks([text], (x) => x.rule === ID, { allowChanged: ISOLATION_FINDINGS });
    assert.match(
      created,
      /name: default-deny-ingress\n {2}namespace: legacy\nspec:\n {2}podSelector: \{\}\n {2}policyTypes:\n {2}- Ingress\n$/,
    );
    const after = analyzeSources([new SourceFile('m0.yaml', text), new SourceFile('x.yaml', created)]);
    assert.equal(canReach(after, 'legacy/app', 'legacy/db'), false);
    assert.equal(canReach(analyzeYaml(text), 'legacy/app', 'legacy/db'), true);
  });

  it('adds it to the file of the namespace policies when there are some', () => {
    const policies = policy(
      'legacy/db',
      'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {}}]}]',
    );
    const fixed = assertFixWorks(
      [docs(annotated(), pod('legacy/app'), pod('legacy/db')), policies],
      (x) => x.rule === ID,
      {
        allowChanged: / (non-isolated-pods|missing-default-deny|unreachable-workload) /,
      },
    );
    assert.equal(fixed.length, 2);
    assert.match(fixed[1], /^apiVersion[\s\S]*\n---\n# Denies all ingress of the pods in legacy/);
  });

  it('is an info without a fix when policies isolate the pods anyway, and quiet for other values', () => {
    const [f] = only(docs(annotated(), pod('legacy/app'), policy('legacy/deny', 'podSelector: {}')));
    assert.equal(f.severity, 'info');
    assert.equal(f.fixes, undefined);
    assert.deepEqual(only(docs(annotated(`'{"ingress": {"isolation": "None"}}'`), pod('legacy/app'))), []);
    assert.deepEqual(only(docs(annotated(`'not json'`), pod('legacy/app'))), []);
  });
});
