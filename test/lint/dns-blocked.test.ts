import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixWorks, lintYaml, spanned, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const only = (rule: string, text: string) => lintYaml(text).filter((f) => f.rule === rule);

const shop = [
  namespace('shop'),
  pod('shop/api', { labels: { app: 'api' } }),
  pod('shop/web', { labels: { app: 'web' } }),
];

/** shop/api's egress open to shop/web only, and one CoreDNS pod labelled `k8s-app: <label>` in kube-system. */
const apiEgressWithCoreDns = (label: string) =>
  docs(
    ...shop,
    namespace('kube-system'),
    pod('kube-system/coredns-0', {
      labels: { 'k8s-app': label },
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
    }),
    policy(
      'shop/api-egress',
      yaml`
        podSelector: {matchLabels: {app: api}}
        egress:
        - to: [{podSelector: {matchLabels: {app: web}}}]
      `,
    ),
  );

describe('lint: dns-blocked', () => {
  it('fires at a default-deny that isolates egress without DNS, and its fix adds the DNS rule', () => {
    const text = docs(
      ...shop,
      policy(
        'shop/default-deny',
        yaml`
          podSelector: {}
          policyTypes:
          - Ingress
          - Egress
        `,
      ),
    );
    const [f, ...rest] = only('dns-blocked', text);
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'warning');
    assert.equal(spanned(f), 'default-deny');
    assert.match(
      f.message,
      /^NetworkPolicy shop\/default-deny isolates the egress of 2 pods: shop\/api, shop\/web and denies DNS: UDP and TCP 53 to any destination \(the workspace has no DNS pods in kube-system/,
    );
    // The workspace has no kube-system Namespace, so the added rule's namespaceSelector gets the
    // info that says so (and how to include it); nothing else changes.
    const [fixed] = assertFixWorks([text], (x) => x.rule === 'dns-blocked', {
      allowChanged:
        /non-isolated-pods|missing-default-deny|selector-matches-nothing info namespaceSelector \{kubernetes.io\/metadata.name=kube-system\} matches none/,
    });
    assert.match(
      fixed,
      / {2}- Egress\n {2}egress:\n {2}- to:\n {4}- namespaceSelector:\n {8}matchLabels:\n {10}kubernetes.io\/metadata.name: kube-system\n {6}podSelector:\n {8}matchLabels:\n {10}k8s-app: kube-dns\n {4}ports:\n {4}- protocol: UDP\n {6}port: 53\n {4}- protocol: TCP\n {6}port: 53\n/,
    );
  });

  it('adds the rule after existing egress rules, checked against the workspace’s CoreDNS pods', () => {
    const text = apiEgressWithCoreDns('kube-dns');
    const [f] = only('dns-blocked', text);
    assert.match(
      f.message,
      /isolates the egress of pod shop\/api and denies DNS: UDP and TCP 53 to kube-system's DNS pods \(pod kube-system\/coredns-0\)/,
    );
    assertFixWorks([text], (x) => x.rule === 'dns-blocked', { allowChanged: /non-isolated-pods|missing-default-deny/ });
  });

  it('the fix selects the DNS pods by their own labels (CoreDNS labelled k8s-app: coredns, not kube-dns)', () => {
    // The rule's text was fixed (k8s-app: kube-dns) before: here it allowed nothing, and DNS stayed blocked.
    const text = apiEgressWithCoreDns('coredns');
    const [fixed] = assertFixWorks([text], (x) => x.rule === 'dns-blocked', {
      allowChanged: /non-isolated-pods|missing-default-deny/,
    });
    assert.match(fixed, / {6}podSelector:\n {8}matchLabels:\n {10}k8s-app: coredns\n/);
    assert.doesNotMatch(fixed, /kube-dns/);
  });

  it('does not fire when DNS is allowed, or egress is not isolated', () => {
    const open = docs(...shop, policy('shop/ingress-only', 'podSelector: {}\npolicyTypes: [Ingress]'));
    assert.deepEqual(only('dns-blocked', open), []);
    const withDns = docs(
      ...shop,
      policy(
        'shop/default-deny',
        yaml`
          podSelector: {}
          policyTypes: [Ingress, Egress]
          egress:
          - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
        `,
      ),
    );
    assert.deepEqual(only('dns-blocked', withDns), []);
  });

  it('without DNS pods in the workspace, a DNS rule to any destination (a node-local cache) is enough', () => {
    const text = docs(
      ...shop,
      policy(
        'shop/default-deny',
        yaml`
          podSelector: {}
          policyTypes: [Ingress, Egress]
          egress:
          - to: [{ipBlock: {cidr: 169.254.20.10/32}}]
            ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
        `,
      ),
    );
    assert.deepEqual(only('dns-blocked', text), []);
    // With the workspace's CoreDNS pods, the same rule misses them.
    const withCoreDns = docs(
      text,
      namespace('kube-system'),
      pod('kube-system/coredns-0', { labels: { 'k8s-app': 'kube-dns' } }),
    );
    const [f] = only('dns-blocked', withCoreDns);
    assert.match(f.message, /denies DNS: UDP and TCP 53 to kube-system's DNS pods \(pod kube-system\/coredns-0\)/);
  });
});
