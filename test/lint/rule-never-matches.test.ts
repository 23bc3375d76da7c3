import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, oneFinding, spanned, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const world = [
  namespace('shop'),
  pod('shop/api', { labels: { app: 'api' }, ports: [{ name: 'http', port: 8000 }] }),
  pod('shop/dns', { labels: { app: 'dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
  pod('shop/bare', { labels: { app: 'bare' }, ports: [] }),
];
const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'rule-never-matches');

const calico = (name: string, spec: string) => yaml`
  apiVersion: projectcalico.org/v3
  kind: NetworkPolicy
  metadata: {name: ${name}, namespace: shop}
  spec:
    ${spec.trim()}
`;

describe('lint: rule-never-matches', () => {
  it('flags an ingress rule for a protocol the pods it applies to do not serve, tagged unnecessary', () => {
    const text = docs(
      ...world,
      policy(
        'shop/api',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - ports: [{protocol: UDP, port: 8125}]
          - ports: [{protocol: TCP, port: 8000}]
        `,
      ),
    );
    const f = oneFinding(
      lintYaml(text),
      'rule-never-matches',
      /Ingress rule 1 of NetworkPolicy shop\/api can never match/,
    );
    assert.match(
      f.message,
      /admits only UDP, and none of the 1 pod it applies to declares a UDP port \(they serve TCP\)/,
    );
    assert.deepEqual(f.tags, ['unnecessary']);
    assert.equal(spanned(f), 'ports: [{protocol: UDP, port: 8125}]');
    assert.equal(only(text).length, 1, 'the TCP rule is fine');
  });

  it('flags an egress rule to pods that do not serve its protocol, not one that also reaches outside addresses', () => {
    const text = docs(
      ...world,
      policy(
        'shop/api-out',
        yaml`
          podSelector: {matchLabels: {app: api}}
          policyTypes: [Egress]
          egress:
          - to: [{podSelector: {matchLabels: {app: dns}}}]
            ports: [{protocol: TCP, port: 53}]
          - to: [{podSelector: {matchLabels: {app: dns}}}]
            ports: [{protocol: UDP, port: 53}]
          - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
            ports: [{protocol: SCTP, port: 53}]
        `,
      ),
    );
    const [f, ...rest] = only(text);
    assert.deepEqual(rest, []);
    assert.match(
      f.message,
      /Egress rule 1 .* admits only TCP, and none of the 1 pod it reaches declares a TCP port \(they serve UDP\)/,
    );
  });

  it('flags Calico ports and notPorts that exclude each other', () => {
    const text = docs(
      ...world,
      calico(
        'api',
        yaml`
          selector: app == 'api'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: [8000], notPorts: ['7000:9000']}
          - action: Allow
            protocol: TCP
            destination: {ports: [8000], notPorts: [9000]}
        `,
      ),
    );
    const [f, ...rest] = only(text);
    assert.deepEqual(rest, []);
    assert.match(
      f.message,
      /Ingress rule 1 of Calico NetworkPolicy shop\/api can never match: its protocol and port conditions exclude each other/,
    );
  });

  it('says nothing when a destination declares no ports, or the rule admits every protocol', () => {
    const text = docs(
      ...world,
      policy('shop/bare', 'podSelector: {matchLabels: {app: bare}}\ningress: [{ports: [{protocol: UDP, port: 9}]}]'),
      policy('shop/api', 'podSelector: {matchLabels: {app: api}}\ningress: [{from: [{podSelector: {}}]}]'),
    );
    assert.deepEqual(only(text), []);
  });
});
