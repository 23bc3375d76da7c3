import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixWorks, canReach, analyzeYaml, lintYaml, spanned, yaml } from '../helpers';
import { docs, namespace, node, pod, policy } from '../manifests';

const ID = 'cidr-covers-pods';
const only = (text: string) => lintYaml(text).filter((f) => f.rule === ID);
const world = [
  namespace('shop'),
  node('n1', { podCIDRs: ['10.244.1.0/24'] }),
  node('n2', { podCIDRs: ['10.244.2.0/24'] }),
  pod('shop/api', { node: 'n1', podIPs: ['10.244.1.5'] }),
  pod('shop/db', { node: 'n2', labels: { app: 'db', tier: 'data' }, podIPs: ['10.244.2.7'] }),
];
const from = (peer: string) =>
  policy(
    'shop/api',
    yaml`
      podSelector: {matchLabels: {app: api}}
      ingress:
      - from:
        ${peer}
    `,
  );

describe('lint: cidr-covers-pods', () => {
  it('reports a /32 that is one pod’s IP, and the fix selects the pod by its labels (block style)', () => {
    const text = docs(...world, from('- ipBlock:\n    cidr: 10.244.2.7/32'));
    const [f] = only(text);
    assert.equal(spanned(f), '10.244.2.7/32');
    assert.match(f.message, /ipBlock 10\.244\.2\.7\/32 is the address of pod shop\/db\. Pod IPs change/);
    const [fixed] = assertFixWorks([text], (x) => x.rule === ID);
    assert.match(
      fixed,
      /\n {4}- namespaceSelector: \{matchLabels: \{kubernetes\.io\/metadata\.name: shop\}\}\n {6}podSelector: \{matchLabels: \{app: "db", tier: "data"\}\}\n/,
    );
    assert.equal(canReach(analyzeYaml(fixed), 'shop/db', 'shop/api'), true);
  });

  it('the fix in flow style', () => {
    const text = docs(...world, from('- {ipBlock: {cidr: 10.244.2.7/32}}'));
    const [fixed] = assertFixWorks([text], (x) => x.rule === ID);
    assert.match(
      fixed,
      /- \{namespaceSelector: \{matchLabels: \{kubernetes\.io\/metadata\.name: shop\}\}, podSelector:/,
    );
  });

  it('reports a CIDR covering node subnets with the nodes and the pods', () => {
    const [f] = only(docs(...world, from('- ipBlock: {cidr: 10.244.0.0/16}')));
    assert.match(
      f.message,
      /ipBlock 10\.244\.0\.0\/16 covers pod addresses: the pod subnets of 2 nodes: n1 \(10\.244\.1\.0\/24\), n2 \(10\.244\.2\.0\/24\); 2 pods \(shop\/api, shop\/db\)/,
    );
  });

  it('is quiet for outside addresses, an except that leaves the pods out, and 0.0.0.0/0', () => {
    assert.deepEqual(only(docs(...world, from('- ipBlock: {cidr: 203.0.113.0/24}'))), []);
    assert.deepEqual(only(docs(...world, from('- ipBlock: {cidr: 10.0.0.0/8, except: [10.244.0.0/16]}'))), []);
    assert.deepEqual(only(docs(...world, from('- ipBlock: {cidr: 0.0.0.0/0}'))), []);
  });

  describe('Calico nets and notNets', () => {
    const calico = (namespace: string | undefined, rule: string) => yaml`
      apiVersion: projectcalico.org/v3
      kind: ${namespace ? 'NetworkPolicy' : 'GlobalNetworkPolicy'}
      metadata: {name: api-in${namespace ? `, namespace: ${namespace}` : ''}}
      spec:
        selector: app == 'api'
        ingress:
        - action: Allow
          ${rule.trim()}
    `;
    const notFixed = /(non-isolated-pods|rule-open-to-everything) /;

    it('reports source nets that is one pod’s IP; the fix selects it by labels in its own namespace (block style)', () => {
      const text = docs(
        ...world,
        calico('shop', 'protocol: TCP\nsource:\n  nets:\n  - 10.244.2.7/32\ndestination: {ports: [80]}'),
      );
      const [f] = only(text);
      assert.equal(spanned(f), '10.244.2.7/32');
      assert.match(
        f.message,
        /^Calico NetworkPolicy shop\/api-in, ingress\[0\] source: nets 10\.244\.2\.7\/32 is the address of pod shop\/db\. Pod IPs change/,
      );
      const [fixed] = assertFixWorks([text], (x) => x.rule === ID, { allowChanged: notFixed });
      assert.match(
        fixed,
        /\n {4}source:\n {6}selector: "app == 'db' && tier == 'data'"\n {4}destination: \{ports: \[80\]\}\n/,
      );
      assert.equal(canReach(analyzeYaml(fixed), 'shop/db', 'shop/api'), true);
    });

    it('in a GlobalNetworkPolicy (flow style) the fix adds the pod’s namespace', () => {
      const text = docs(...world, calico(undefined, 'source: {nets: [10.244.2.7/32]}'));
      const [fixed] = assertFixWorks([text], (x) => x.rule === ID, { allowChanged: notFixed });
      assert.match(
        fixed,
        /source: \{selector: "app == 'db' && tier == 'data'", namespaceSelector: "projectcalico\.org\/name == 'shop'"\}/,
      );
      assert.equal(canReach(analyzeYaml(fixed), 'shop/db', 'shop/api'), true);
    });

    it('offers no fix when nets says more than one address or the side has other criteria', () => {
      const two = only(docs(...world, calico('shop', 'source: {nets: [10.244.2.7/32, 203.0.113.9/32]}')));
      assert.equal(two.length, 1);
      assert.deepEqual(two[0].fixes ?? [], []);
      const withSelector = only(
        docs(...world, calico('shop', "source: {nets: [10.244.2.7/32], selector: app == 'db'}")),
      );
      assert.deepEqual(withSelector[0].fixes ?? [], []);
    });

    it('reports egress destination nets covering node subnets, with notNets as its except', () => {
      const egress = (dest: string) =>
        yaml`
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: api-out, namespace: shop}
          spec:
            selector: app == 'api'
            egress:
            - action: Allow
              destination: ${dest}
        `;
      const [f] = only(docs(...world, egress('{nets: [10.244.0.0/16]}')));
      assert.match(
        f.message,
        /^Calico NetworkPolicy shop\/api-out, egress\[0\] destination: nets 10\.244\.0\.0\/16 covers pod addresses: the pod subnets of 2 nodes: n1 \(10\.244\.1\.0\/24\), n2 \(10\.244\.2\.0\/24\); 2 pods \(shop\/api, shop\/db\)/,
      );
      assert.deepEqual(only(docs(...world, egress('{nets: [10.0.0.0/8], notNets: [10.244.0.0/16]}'))), []);
      assert.deepEqual(only(docs(...world, egress('{nets: [0.0.0.0/0]}'))), []);
      assert.deepEqual(only(docs(...world, egress('{nets: [203.0.113.0/24]}'))), []);
    });

    it('reports notNets that leaves one pod out by its IP, without a fix', () => {
      const [f] = only(docs(...world, calico('shop', 'source: {notNets: [10.244.2.7/32]}')));
      assert.match(
        f.message,
        /source: notNets 10\.244\.2\.7\/32 is the address of pod shop\/db\..*left out instead; select the pod by its labels \(notSelector\)/,
      );
      assert.deepEqual(f.fixes ?? [], []);
    });
  });
});
