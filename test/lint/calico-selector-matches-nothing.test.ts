import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml, applyEdits, lintYaml, spanned, yaml } from '../helpers';
import { docs, namespace, pod } from '../manifests';

const world = [
  namespace('shop'),
  namespace('ops'),
  pod('shop/api', { labels: { app: 'api' } }),
  pod('shop/db', { labels: { app: 'postgres' } }),
  pod('ops/prom', { labels: { app: 'prometheus' } }),
];
const calico = (kind: string, name: string, ns: string | undefined, spec: string) => yaml`
  apiVersion: projectcalico.org/v3
  kind: ${kind}
  metadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}}
  spec:
    ${spec}`;
const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'selector-matches-nothing');

describe('lint: selector-matches-nothing for Calico selectors', () => {
  it('flags a policy selector with a typo and fixes the value inside the selector string', () => {
    const text = docs(
      ...world,
      calico(
        'NetworkPolicy',
        'db',
        'shop',
        yaml`
          selector: app == 'postgress'
          ingress:
          - action: Allow
            source: {selector: app == 'api'}
        `,
      ),
    );
    const [f, ...rest] = only(text);
    assert.deepEqual(rest, []);
    assert.equal(spanned(f), "app == 'postgress'");
    assert.match(
      f.message,
      /selects no pod in namespace shop, so Calico NetworkPolicy shop\/db applies to nothing\. Did you mean app == 'postgres'\?/,
    );
    const fixed = applyEdits(text, f.fixes![0].edits);
    assert.match(fixed, /selector: app == 'postgres'\n/);
    assert.deepEqual(only(fixed), []);
    assert.equal(analyzeYaml(fixed).endpoints.length, 3);
  });

  it("explains that a NetworkPolicy's rule selector only looks in its own namespace", () => {
    const [f] = only(
      docs(
        ...world,
        calico(
          'NetworkPolicy',
          'metrics',
          'shop',
          yaml`
            selector: app == 'api'
            ingress:
            - action: Allow
              source: {selector: app == 'prometheus'}
          `,
        ),
      ),
    );
    assert.equal(spanned(f), "app == 'prometheus'");
    assert.match(
      f.message,
      /only looks in the policy's namespace; the pods it matches run in ops: add namespaceSelector/,
    );
  });

  it('flags GlobalNetworkPolicy selectors over every namespace, with a label-key hint', () => {
    const [f] = only(
      docs(
        ...world,
        calico(
          'GlobalNetworkPolicy',
          'g',
          undefined,
          yaml`
            selector: ap == 'api'
            types: [Ingress]
          `,
        ),
      ),
    );
    assert.match(
      f.message,
      /selects no pod in any namespace, so GlobalNetworkPolicy g applies to nothing\. No pod in scope has a ap label; did you mean app\?/,
    );
  });

  it('accepts rule selectors that match a network set, and selectors that match pods', () => {
    const net = calico('GlobalNetworkSet', 'office', undefined, 'nets: [203.0.113.0/24]').replace(
      'metadata: {name: office}',
      'metadata: {name: office, labels: {role: office}}',
    );
    assert.deepEqual(
      only(
        docs(
          ...world,
          net,
          calico(
            'GlobalNetworkPolicy',
            'g',
            undefined,
            yaml`
              selector: app == 'api'
              ingress:
              - action: Allow
                source: {selector: role == 'office'}
              - action: Allow
                source: {selector: app == 'prometheus', namespaceSelector: all()}
            `,
          ),
        ),
      ),
      [],
    );
  });
});
