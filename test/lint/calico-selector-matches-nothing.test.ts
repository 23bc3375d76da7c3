import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml, applyEdits, assertFixWorks, lintYaml, spanned, yaml } from '../helpers';
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

  describe('namespaceSelectors, and partial workspaces', () => {
    const fromNamespace = (nsSel: string, selector = '') =>
      selector ? `{selector: ${selector}, namespaceSelector: ${nsSel}}` : `{namespaceSelector: ${nsSel}}`;
    const allowFrom = (source: string) =>
      calico(
        'NetworkPolicy',
        'api-in',
        'shop',
        yaml`
          selector: app == 'api'
          ingress:
          - action: Allow
            source: ${source}
        `,
      );

    it('warns on a rule namespaceSelector with a typo, and the fix picks the closest namespace', () => {
      const text = docs(...world, allowFrom(fromNamespace(`"projectcalico.org/name == 'opz'"`)));
      const [f, ...rest] = only(text);
      assert.deepEqual(rest, []);
      assert.equal(f.severity, 'warning');
      assert.equal(spanned(f), `"projectcalico.org/name == 'opz'"`);
      assert.match(
        f.message,
        /^namespaceSelector projectcalico\.org\/name == 'opz' matches none of the namespaces in the workspace \(ops, shop\)\. Did you mean 'ops'\?$/,
      );
      const [fixed] = assertFixWorks([text], (x) => x.rule === 'selector-matches-nothing', {
        allowChanged: / (non-isolated-pods|rule-open-to-everything|missing-default-deny|unreachable-workload) /,
      });
      assert.match(fixed, /namespaceSelector: "projectcalico\.org\/name == 'ops'"/);
    });

    it('is an info when the workspace does not define the namespace it names, and the rule selector is not reported too', () => {
      const text = docs(
        ...world,
        allowFrom(fromNamespace(`"projectcalico.org/name == 'ingress-nginx'"`, `"app == 'controller'"`)),
      );
      const findings = only(text);
      assert.equal(findings.length, 1);
      const [f] = findings;
      assert.equal(f.severity, 'info');
      assert.match(
        f.message,
        /matches none of the namespaces in the workspace \(ops, shop\)\. The workspace does not define a Namespace object for ingress-nginx: .*`include:` in \.netpol\.yaml/,
      );
    });

    it('is an info for labels of namespaces used without a Namespace object', () => {
      const used = [pod('shop/api', { labels: { app: 'api' } }), pod('ops/prom', { labels: { app: 'prometheus' } })];
      const text = docs(...used, allowFrom(fromNamespace(`"team == 'platform'"`)));
      const [f] = only(text);
      assert.equal(f.severity, 'info');
      assert.match(f.message, /Namespace objects for ops, shop \(so their labels are unknown\)/);
    });

    it('checks a GlobalNetworkPolicy’s namespaceSelector, and not its selector on top', () => {
      const text = docs(
        ...world,
        calico(
          'GlobalNetworkPolicy',
          'payments-in',
          undefined,
          yaml`
            selector: app == 'ledger'
            namespaceSelector: projectcalico.org/name == 'payments'
            ingress:
            - action: Deny
          `,
        ),
      );
      const findings = only(text);
      assert.deepEqual(
        findings.map((f) => [f.severity, spanned(f)]),
        [['info', "projectcalico.org/name == 'payments'"]],
      );
    });

    it('says nothing for namespaces every cluster has, all() and global(), or a namespace that exists', () => {
      for (const sel of [
        `"projectcalico.org/name == 'kube-system'"`,
        'all()',
        'global()',
        `"projectcalico.org/name == 'ops'"`,
        `"kubernetes.io/metadata.name in {'ops', 'shop'}"`,
      ])
        assert.deepEqual(only(docs(...world, allowFrom(fromNamespace(sel)))), [], sel);
    });

    it('a rule selector in a namespace with no pod and no Namespace object is an info', () => {
      const text = docs(
        ...world,
        calico(
          'NetworkPolicy',
          'billing-out',
          'billing',
          yaml`
            selector: all()
            egress:
            - action: Allow
              destination: {selector: app == 'invoices'}
          `,
        ),
      );
      const [f] = only(text);
      assert.equal(f.severity, 'info');
      assert.match(
        f.message,
        /in namespace billing, which has no pod in the workspace\. The workspace does not define namespace billing/,
      );
    });
  });
});
