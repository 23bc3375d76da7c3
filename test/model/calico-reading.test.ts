/**
 * Reading projectcalico.org/v3 resources: wrong types and enum values are
 * reported at the node with hints, unknown fields get a did-you-mean, and the
 * crd.projectcalico.org/v1 forms are read too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml, canReach, lintYaml, oneFinding, spanned, where, yaml } from '../helpers';
import { checkedPolicy, world } from '../policy/world';

describe('reading Calico policies', () => {
  it('wrong types and enum values at the node, with hints', () => {
    const f = lintYaml(
      checkedPolicy(
        yaml`
          order: ten
          types: [ingress, Ingress, Ingress]
          ingress:
          - action: allow
            protocol: tcp
            destination:
              ports: ["80-90", 0, "2000:1000"]
        `,
      ),
    );
    assert.equal(spanned(oneFinding(f, 'invalid-field', /spec.order: expected a number/)), 'ten');
    assert.match(
      oneFinding(f, 'invalid-field', /"ingress" is not a policy type/).message,
      /use "Ingress" \(types are case-sensitive\)/,
    );
    assert.equal(
      where(oneFinding(f, 'invalid-field', /'Ingress' type specified more than once/)),
      'invalid-field@8:29',
    );
    assert.match(
      oneFinding(f, 'invalid-field', /"allow" is not allowed/).message,
      /use "Allow" \(values are case-sensitive\)/,
    );
    assert.match(
      oneFinding(f, 'invalid-field', /"tcp" is not a protocol/).message,
      /"TCP" \(protocol names are case-sensitive\)/,
    );
    assert.match(oneFinding(f, 'invalid-field', /"80-90"/).message, /Calico writes port ranges with a colon: "80:90"/);
    assert.equal(spanned(oneFinding(f, 'invalid-field', /port 0 is out of range/)), '0');
    assert.equal(spanned(oneFinding(f, 'invalid-field', /2000 is greater than 1000/)), '"2000:1000"');
  });

  it('a rule without an action', () => {
    const f = lintYaml(
      checkedPolicy(yaml`
        ingress:
        - protocol: TCP
      `),
    );
    oneFinding(f, 'invalid-field', /required field `action` is missing/);
  });

  it('unknown fields get a did-you-mean', () => {
    const f = lintYaml(
      checkedPolicy(yaml`
        ingress:
        - action: Allow
          source:
            namespaceSelectr: all()
      `),
    );
    assert.match(oneFinding(f, 'unknown-field', /namespaceSelectr/).message, /did you mean `namespaceSelector`/);
  });

  it('crd.projectcalico.org/v1 objects are read too', () => {
    const crd = checkedPolicy(yaml`
      ingress:
      - action: Deny
    `).replace('projectcalico.org/v3', 'crd.projectcalico.org/v1');
    assert.equal(canReach(analyzeYaml(world(crd)), 'y/a', 'x/a'), false);
  });
});

describe('reading Tiers, network sets and staged Kubernetes policies', () => {
  it('Tier order and defaultAction', () => {
    const f = lintYaml(yaml`
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata:
        name: platform
      spec:
        order: first
        defaultAction: pass
    `);
    assert.equal(spanned(oneFinding(f, 'invalid-field', /spec.order: expected a number/)), 'first');
    assert.match(oneFinding(f, 'invalid-field', /"pass" is not allowed/).message, /use "Pass"/);
  });

  it('a Tier name with a dot', () => {
    const f = lintYaml(yaml`
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata:
        name: team.a
      spec:
        order: 5
    `);
    assert.equal(
      spanned(oneFinding(f, 'invalid-field', /a Tier name must consist of lower case alphanumeric characters or '-'/)),
      'team.a',
    );
  });

  it("network set nets must be CIDRs or addresses; projectcalico.org/namespace is Calico's label", () => {
    const f = lintYaml(yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkSet
      metadata:
        name: office
        namespace: y
        labels:
          projectcalico.org/namespace: x
      spec:
        nets: [192.0.2.0/24, 192.0.2.300, "2001:db8::1"]
    `);
    assert.equal(
      spanned(oneFinding(f, 'invalid-field', /"192.0.2.300" is neither a CIDR nor an IP address/)),
      '192.0.2.300',
    );
    assert.equal(
      spanned(oneFinding(f, 'invalid-field', /projectcalico.org\/namespace is not a valid label name on a NetworkSet/)),
      'projectcalico.org/namespace',
    );
  });

  it('a StagedKubernetesNetworkPolicy is a NetworkPolicy spec plus stagedAction', () => {
    const f = lintYaml(yaml`
      apiVersion: projectcalico.org/v3
      kind: StagedKubernetesNetworkPolicy
      metadata:
        name: web
        namespace: x
      spec:
        stagedAction: Sett
        podSelector: {}
        policyTypes: [Ingres]
    `);
    assert.match(
      oneFinding(f, 'invalid-field', /"Sett" is not allowed/).message,
      /"Set", "Delete", "Learn" or "Ignore"/,
    );
    oneFinding(f, 'invalid-field', /"Ingres" is not a policy type/);
    assert.equal(f.filter((x) => x.rule === 'unknown-field').length, 0);
    assert.match(oneFinding(f, 'policy-not-simulated', /StagedKubernetesNetworkPolicy x\/web/).message, /rejects/);
  });
});

describe('Calico kinds without apiVersion', () => {
  it('are reported like the built-in kinds', () => {
    const f = lintYaml(yaml`
      kind: GlobalNetworkPolicy
      metadata:
        name: p
      spec:
        selector: all()
    `);
    oneFinding(f, 'invalid-field', /required field `apiVersion` is missing/);
  });
});
