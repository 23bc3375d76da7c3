import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, spanned, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'named-port-undeclared');

// pod() declares one TCP port named http (80).
const shop = [
  namespace('shop'),
  pod('shop/api', { labels: { app: 'api' } }),
  pod('shop/web', { labels: { app: 'web' } }),
];

describe('lint: named-port-undeclared', () => {
  it('fires at an ingress rule whose named port the policy’s pods do not declare', () => {
    const text = docs(
      ...shop,
      policy(
        'shop/api-from-web',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: htttp}]
        `,
      ),
    );
    const [f, ...rest] = only(text);
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'warning');
    assert.match(spanned(f), /^from: \[\{podSelector/);
    assert.equal(
      f.message,
      'Ingress rule 1 of NetworkPolicy shop/api-from-web names port "htttp", but none of the pods it applies to (1 pod) declares a container port with that name, so the rule admits nothing on it.',
    );
  });

  it('fires at an egress rule whose named port none of its peer pods declares', () => {
    const text = docs(
      ...shop,
      policy(
        'shop/web-to-api',
        yaml`
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
          egress:
          - to: [{podSelector: {matchLabels: {app: api}}}]
            ports: [{port: grpc}]
        `,
      ),
    );
    const [f, ...rest] = only(text);
    assert.deepEqual(rest, []);
    assert.match(spanned(f), /^to: \[\{podSelector/);
    assert.equal(
      f.message,
      'Egress rule 1 of NetworkPolicy shop/web-to-api names port "grpc", but none of the pods it allows connecting to (pod shop/api) declares a container port with that name, so the rule admits nothing on it.',
    );
    // The peer declares the name: nothing to say.
    assert.deepEqual(only(text.replace('port: grpc', 'port: http')), []);
  });

  it('does not fire when a destination pod declares the name, or the rule selects no pod', () => {
    const declared = docs(
      ...shop,
      policy(
        'shop/api-from-web',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: http}]
        `,
      ),
    );
    assert.deepEqual(only(declared), []);
    const nobody = docs(
      ...shop,
      policy(
        'shop/typo',
        yaml`
          podSelector: {matchLabels: {app: apii}}
          ingress:
          - ports: [{port: htttp}]
        `,
      ),
    );
    assert.deepEqual(only(nobody), []);
  });

  it('asks only the egress peers: a pod declaring the name outside them does not count, one inside does', () => {
    // Every pod of every namespace is a peer (the classes' usual group); only shop/db declares "sql".
    const everyone = (port: string) =>
      docs(
        ...shop,
        namespace('data'),
        pod('data/db', { labels: { app: 'db' }, ports: [{ name: 'sql', port: 5432 }] }),
        policy(
          'shop/web-out',
          yaml`
            podSelector: {matchLabels: {app: web}}
            policyTypes: [Egress]
            egress:
            - to: [{namespaceSelector: {}}]
              ports: [{port: ${port}}]
          `,
        ),
      );
    assert.deepEqual(only(everyone('sql')), []);
    const [f, ...rest] = only(everyone('sqll'));
    assert.deepEqual(rest, []);
    assert.match(f.message, /names port "sqll", but none of the pods it allows connecting to \(3 pods/);
    // Peers in shop only: data/db declares "sql" but is not a peer.
    const shopOnly = docs(
      ...shop,
      namespace('data'),
      pod('data/db', { labels: { app: 'db' }, ports: [{ name: 'sql', port: 5432 }] }),
      policy(
        'shop/web-out',
        yaml`
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
          egress:
          - to: [{podSelector: {}}]
            ports: [{port: sql}]
        `,
      ),
    );
    const [g, ...more] = only(shopOnly);
    assert.deepEqual(more, []);
    assert.match(g.message, /names port "sql", but none of the pods it allows connecting to \(2 pods/);
  });
});
