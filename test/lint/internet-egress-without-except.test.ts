import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixWorks, lintYaml, spanned, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const ID = 'internet-egress-without-except';
const only = (text: string) => lintYaml(text).filter((f) => f.rule === ID);
const world = [namespace('shop'), pod('shop/api')];

describe('lint: internet-egress-without-except', () => {
  it('names the metadata address, the pod and Service networks, and the block-style fix adds them under except', () => {
    const text = docs(
      ...world,
      policy(
        'shop/out',
        yaml`
          podSelector: {}
          egress:
          - to:
            - ipBlock:
                cidr: 0.0.0.0/0
            ports:
            - port: 443
        `,
      ),
    );
    const [f, ...rest] = only(text);
    assert.equal(rest.length, 0);
    assert.equal(f.severity, 'warning');
    assert.equal(spanned(f), '0.0.0.0/0');
    assert.match(
      f.message,
      /^NetworkPolicy shop\/out, egress\[0\] allows egress to 0\.0\.0\.0\/0 including the cloud metadata address 169\.254\.169\.254, the pod network 10\.244\.0\.0\/16, the Service network 10\.96\.0\.0\/12:/,
    );
    const [fixed] = assertFixWorks([text], (x) => x.rule === ID);
    assert.match(
      fixed,
      /\n {8}cidr: 0\.0\.0\.0\/0\n {8}except:\n {8}- 169\.254\.169\.254\/32\n {8}- 10\.244\.0\.0\/16\n {8}- 10\.96\.0\.0\/12\n {4}ports:/,
    );
  });

  it('adds only what a flow-style except misses, in flow style', () => {
    const text = docs(
      ...world,
      policy(
        'shop/out',
        'podSelector: {}\negress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}], ports: [{port: 443}]}]',
      ),
    );
    const [f] = only(text);
    assert.doesNotMatch(f.message, /metadata/);
    const [fixed] = assertFixWorks([text], (x) => x.rule === ID);
    assert.match(fixed, /except: \[169\.254\.169\.254\/32, 10\.244\.0\.0\/16, 10\.96\.0\.0\/12\]/);
  });

  it('adds except to a flow-style ipBlock without one, and appends to a block list', () => {
    const flow = docs(
      ...world,
      policy('shop/out', 'podSelector: {}\negress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]'),
    );
    const [fixedFlow] = assertFixWorks([flow], (x) => x.rule === ID);
    assert.match(
      fixedFlow,
      /\{cidr: 0\.0\.0\.0\/0, except: \[169\.254\.169\.254\/32, 10\.244\.0\.0\/16, 10\.96\.0\.0\/12\]\}/,
    );
    const block = docs(
      ...world,
      policy(
        'shop/out',
        yaml`
          podSelector: {}
          egress:
          - to:
            - ipBlock:
                cidr: 0.0.0.0/0
                except:
                  - 10.0.0.0/8
            ports: [{port: 443}]
        `,
      ),
    );
    const [f] = only(block);
    assert.match(f.message, /including the cloud metadata address 169\.254\.169\.254:/);
    const [fixedBlock] = assertFixWorks([block], (x) => x.rule === ID);
    assert.match(fixedBlock, /\n {10}- 10\.0\.0\.0\/8\n {10}- 169\.254\.169\.254\/32\n/);
  });

  it('does not fire when except covers everything, for narrower CIDRs, or for ingress', () => {
    assert.deepEqual(
      only(
        docs(
          ...world,
          policy(
            'shop/out',
            'podSelector: {}\negress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.0.0/16, 10.0.0.0/8]}}, {ipBlock: {cidr: 203.0.113.0/24}}]}]\ningress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]',
          ),
        ),
      ),
      [],
    );
  });

  it('reports Calico nets: [0.0.0.0/0] and adds notNets (block and flow)', () => {
    const calico = (destination: string) => yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: out, namespace: shop}
      spec:
        selector: all()
        egress:
        - action: Allow
          destination:
            ${destination}
    `;
    const block = docs(...world, calico('nets:\n- 0.0.0.0/0'));
    const [f] = only(block);
    assert.match(f.message, /^Calico NetworkPolicy shop\/out, egress\[0\] allows egress to 0\.0\.0\.0\/0 including/);
    assert.match(f.message, /Add them to `notNets`\.$/);
    const [fixed] = assertFixWorks([block], (x) => x.rule === ID, {
      allowChanged: /rule-open-to-everything|non-isolated-pods info Not isolated for egress/,
    });
    assert.match(
      fixed,
      /destination:\n {6}notNets:\n {6}- 169\.254\.169\.254\/32\n {6}- 10\.244\.0\.0\/16\n {6}- 10\.96\.0\.0\/12\n {6}nets:/,
    );
    const flow = docs(...world, calico('{nets: [0.0.0.0/0]}').replace('destination:\n      {', 'destination: {'));
    const [fixedFlow] = assertFixWorks([flow], (x) => x.rule === ID, {
      allowChanged: /rule-open-to-everything|non-isolated-pods info Not isolated for egress/,
    });
    assert.match(
      fixedFlow,
      /destination: \{notNets: \[169\.254\.169\.254\/32, 10\.244\.0\.0\/16, 10\.96\.0\.0\/12\], nets: \[0\.0\.0\.0\/0\]\}/,
    );
  });
});
