/**
 * Calico's validator, mirrored: each check reports at the exact node (or the
 * exact characters of a selector), and a policy with errors is left out of the
 * simulation. Fields outside the pod-to-pod model get information findings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/common/finding';
import { analyzeYaml, canReach, lintYaml, oneFinding, spanned, where, yaml } from '../helpers';
import { checkedPolicy, world } from './world';

function only(findings: Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

describe('Calico validator findings', () => {
  it('ports without a TCP/UDP/SCTP protocol: at the ports field', () => {
    const f = lintYaml(
      checkedPolicy(yaml`
        ingress:
        - action: Allow
          destination:
            ports: [80]
      `),
    );
    const hit = oneFinding(f, 'invalid-field', /rules that specify ports must set protocol to TCP or UDP or SCTP/);
    assert.equal(spanned(hit), 'ports');
    assert.equal(where(hit), 'invalid-field@10:7');
    assert.match(hit.message, /Add `protocol: TCP`/);
    const icmp = oneFinding(
      lintYaml(
        checkedPolicy(
          yaml`
            ingress:
            - action: Allow
              protocol: ICMP
              destination:
                notPorts: [80]
          `,
        ),
      ),
      'invalid-field',
      /must set protocol/,
    );
    assert.match(icmp.message, /this rule's protocol is ICMP/);
    assert.equal(spanned(icmp), 'notPorts');
  });

  it('a catch-all CIDR in notNets: at that CIDR', () => {
    const hit = oneFinding(
      lintYaml(
        checkedPolicy(
          yaml`
            egress:
            - action: Allow
              destination:
                notNets: [10.0.0.0/8, 0.0.0.0/0]
          `,
        ),
      ),
      'invalid-field',
      /catch-all CIDR/,
    );
    assert.equal(spanned(hit), '0.0.0.0/0');
    assert.match(hit.message, /logical contradiction/);
  });

  it('global() outside a namespaceSelector: at the global() characters', () => {
    const top = oneFinding(
      lintYaml(
        checkedPolicy(yaml`
          ingress:
          - action: Deny
        `).replace('pod == "a"', 'pod == "a" && global()'),
      ),
      'invalid-field',
      /global\(\) can only be used in an EntityRule namespaceSelector/,
    );
    assert.equal(spanned(top), 'global()');
    const rule = oneFinding(
      lintYaml(
        checkedPolicy(yaml`
          ingress:
          - action: Allow
            source:
              selector: 'global()'
        `),
      ),
      'invalid-field',
      /global\(\) can only be used/,
    );
    assert.equal(spanned(rule), 'global()');
    assert.equal(where(rule), 'invalid-field@10:18');
  });

  it('global() combined with other terms in a namespaceSelector', () => {
    const hit = oneFinding(
      lintYaml(
        checkedPolicy(
          yaml`
            ingress:
            - action: Allow
              source:
                namespaceSelector: global() || ns == "x"
          `,
        ),
      ),
      'invalid-field',
      /global\(\) cannot be combined with other selectors/,
    );
    assert.equal(spanned(hit), 'global()');
    assert.deepEqual(
      only(
        lintYaml(
          checkedPolicy(yaml`
            ingress:
            - action: Allow
              source:
                namespaceSelector: " global() "
          `),
        ),
        'invalid-field',
      ),
      [],
    );
  });

  it('services with other criteria, and services on the wrong side', () => {
    const f = lintYaml(
      checkedPolicy(
        yaml`
          egress:
          - action: Allow
            source:
              services: {name: web, namespace: y}
            destination:
              selector: app == "x"
              services: {name: web}
              ports: [80]
        `,
      ),
    );
    assert.equal(
      spanned(oneFinding(f, 'invalid-field', /cannot specify selector and services on the same rule side/)),
      'services',
    );
    assert.equal(
      spanned(oneFinding(f, 'invalid-field', /services are not allowed in an egress rule's source/)),
      'services',
    );
    assert.equal(
      spanned(oneFinding(f, 'invalid-field', /ports and notPorts cannot be specified with services/)),
      'ports',
    );
    assert.match(
      oneFinding(f, 'invalid-field', /must specify a namespace/).message,
      /GlobalNetworkPolicy has no namespace/,
    );
  });

  it('a selector that does not parse: at the character where it broke', () => {
    const f = lintYaml(
      checkedPolicy(
        yaml`
          ingress:
          - action: Allow
            source:
              selector: "app == 'web' && tier = 'db'"
        `,
      ),
    );
    const hit = oneFinding(
      f,
      'invalid-selector',
      /does not parse at character 22: expected == \(a single = is not an operator\)/,
    );
    assert.equal(spanned(hit), '=');
    assert.equal(where(hit), 'invalid-selector@10:39');
    const top = oneFinding(
      lintYaml(
        checkedPolicy(yaml`
          types: [Ingress]
        `).replace('pod == "a"', 'pod == a'),
      ),
      'invalid-selector',
      /at character 8: expected a quoted string/,
    );
    assert.equal(spanned(top), 'a');
  });

  it('a tier that does not exist: at the tier, with a suggestion', () => {
    const f = lintYaml([
      checkedPolicy(yaml`
        tier: securty
        ingress:
        - action: Deny
      `),
      yaml`
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata:
          name: security
        spec:
          order: 100
      `,
    ]);
    const hit = oneFinding(f, 'unknown-tier', /tier "securty" does not exist.*Did you mean "security"\?/);
    assert.equal(spanned(hit), 'securty');
    assert.equal(
      oneFinding(f, 'policy-not-simulated', /Calico rejects GlobalNetworkPolicy checked/).span.start,
      f.find((x) => x.rule === 'policy-not-simulated')!.span.start,
    );
  });

  it('IPv4 and IPv6 mixed in one rule, and ipVersion against CIDRs', () => {
    const mixed = oneFinding(
      lintYaml(
        checkedPolicy(
          yaml`
            ingress:
            - action: Allow
              source:
                nets: [10.0.0.0/8]
              destination:
                notNets: ["fd00::/8"]
          `,
        ),
      ),
      'invalid-field',
      /rule contains both IPv4 and IPv6 CIDRs/,
    );
    assert.equal(spanned(mixed), 'notNets');
    const version = oneFinding(
      lintYaml(
        checkedPolicy(
          yaml`
            ingress:
            - action: Allow
              ipVersion: 6
              source:
                nets: [10.0.0.0/8]
          `,
        ),
      ),
      'invalid-field',
      /rule IP version doesn't match CIDR version/,
    );
    assert.equal(spanned(version), 'nets');
  });

  it('ICMP fields: code needs a type, ICMP needs protocol ICMP, ICMP needs ipVersion 4', () => {
    const f = lintYaml(
      checkedPolicy(
        yaml`
          ingress:
          - action: Allow
            protocol: TCP
            icmp: {code: 3}
          - action: Allow
            protocol: ICMP
            ipVersion: 6
        `,
      ),
    );
    assert.equal(spanned(oneFinding(f, 'invalid-field', /ICMP code specified without an ICMP type/)), '3');
    assert.equal(
      spanned(oneFinding(f, 'invalid-field', /ICMP fields require protocol to be ICMP or ICMPv6 \(it is TCP\)/)),
      'icmp',
    );
    assert.equal(spanned(oneFinding(f, 'invalid-field', /protocol ICMP requires ipVersion 4/)), '6');
  });

  it('a policy with errors is left out of the simulation', () => {
    const broken = checkedPolicy(yaml`
      ingress:
      - action: Deny
        destination:
          ports: [80]
    `);
    const a = analyzeYaml(world(broken));
    assert.equal(canReach(a, 'y/a', 'x/a'), true);
    const fixed = analyzeYaml(world(broken.replace('action: Deny', 'action: Deny\n    protocol: TCP')));
    assert.equal(canReach(fixed, 'y/a', 'x/a'), false);
  });

  it('well-known tiers keep their order and default action', () => {
    const f = lintYaml(yaml`
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata:
        name: default
      spec:
        order: 100
        defaultAction: Pass
    `);
    assert.equal(spanned(oneFinding(f, 'invalid-field', /the default tier's order is fixed at 1,000,000/)), '100');
    assert.equal(spanned(oneFinding(f, 'invalid-field', /default action is fixed at Deny/)), 'Pass');
  });

  it('doNotTrack and preDNAT together, and without applyOnForward', () => {
    const f = lintYaml(
      checkedPolicy(yaml`
        doNotTrack: true
        preDNAT: true
        ingress:
        - action: Allow
      `),
    );
    assert.equal(spanned(oneFinding(f, 'invalid-field', /PreDNAT and DoNotTrack cannot both be true/)), 'true');
    oneFinding(f, 'invalid-field', /ApplyOnForward must be true/);
  });

  it('HTTP matches: Allow only, ingress only, TCP only', () => {
    const f = lintYaml(
      checkedPolicy(yaml`
        egress:
        - action: Deny
          protocol: UDP
          http: {methods: [GET]}
      `),
    );
    oneFinding(f, 'invalid-field', /HTTP match is only valid on Allow rules/);
    oneFinding(f, 'invalid-field', /HTTP match is not allowed in egress rules/);
    assert.equal(
      spanned(oneFinding(f, 'invalid-field', /rules with HTTP match must have protocol TCP or unset/)),
      'UDP',
    );
  });
});

describe('fields outside the pod-to-pod model', () => {
  it('doNotTrack / preDNAT policies apply to host endpoints only: noted and left out', () => {
    const p = checkedPolicy(yaml`
      doNotTrack: true
      applyOnForward: true
      ingress:
      - action: Deny
    `);
    const hit = oneFinding(lintYaml(p), 'field-not-simulated', /applies only to host endpoints/);
    assert.equal(hit.severity, 'info');
    assert.equal(spanned(hit), 'true');
    assert.equal(canReach(analyzeYaml(world(p)), 'y/a', 'x/a'), true);
  });

  it('applyOnForward alone is noted and the policy still applies to pods', () => {
    const p = checkedPolicy(yaml`
      applyOnForward: true
      ingress:
      - action: Deny
    `);
    oneFinding(
      lintYaml(p),
      'field-not-simulated',
      /applyOnForward only changes how the policy applies to traffic forwarded/,
    );
    assert.equal(canReach(analyzeYaml(world(p)), 'y/a', 'x/a'), false);
  });

  it('HTTP matches are noted; the rule still applies on its other criteria', () => {
    const p = checkedPolicy(
      yaml`
        ingress:
        - action: Allow
          http: {methods: [GET], paths: [{prefix: /api}]}
      `,
    );
    assert.equal(spanned(oneFinding(lintYaml(p), 'field-not-simulated', /HTTP matching .* is not simulated/)), 'http');
    assert.equal(canReach(analyzeYaml(world(p)), 'y/a', 'x/a'), true);
  });

  it('host endpoints are read and noted', () => {
    const f = lintYaml(yaml`
      apiVersion: projectcalico.org/v3
      kind: HostEndpoint
      metadata:
        name: node1-eth0
      spec:
        node: node-1
        interfaceName: eth0
    `);
    assert.equal(
      spanned(oneFinding(f, 'field-not-simulated', /HostEndpoint node1-eth0 is read but not simulated/)),
      'node1-eth0',
    );
  });
});
