/**
 * The CLI on Calico manifests: `netpol select` (the contract in README.md), the full
 * decision trace of `netpol explain` on a tiered example, and lint output for
 * the Calico finding ids (SARIF carries their metadata).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, yaml } from '../helpers';
import { pod } from '../manifests';
import { WORLD_POD_OPTIONS, world } from '../policy/world';

const dir = mkdtempSync(join(tmpdir(), 'netpol-calico-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const sa = yaml`
  apiVersion: v1
  kind: ServiceAccount
  metadata:
    name: robot
    namespace: y
    labels: {kind: bot}`;
const manifests = file(
  'world.yaml',
  world(
    sa,
    pod('y/bot', {
      ...WORLD_POD_OPTIONS,
      labels: { pod: 'bot', app: 'crawler' },
      serviceAccount: 'robot',
      podIPs: ['10.244.2.77'],
    }),
    pod('y/host', { ...WORLD_POD_OPTIONS, labels: { pod: 'host' }, hostNetwork: true }),
  ),
);

describe('netpol select', () => {
  it('prints the matching pods as a JSON array of namespace/name', async () => {
    const r = await cli(['select', manifests, '--selector', "pod in {'a', 'bot'}", '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ['x/a', 'y/a', 'y/bot', 'z/a']);
  });

  it('sees Calico implicit labels: namespace, service account, pcns. and pcsa.', async () => {
    const q = async (sel: string) =>
      JSON.parse((await cli(['select', manifests, '--selector', sel, '--format', 'json'])).stdout) as string[];
    assert.deepEqual(await q("projectcalico.org/namespace == 'z'"), ['z/a', 'z/b']);
    assert.deepEqual(await q("pcns.ns == 'x' || pcsa.kind == 'bot'"), ['x/a', 'x/b', 'y/bot']);
    assert.deepEqual(await q("projectcalico.org/serviceaccount == 'robot' && pcsa.projectcalico.org/name == 'robot'"), [
      'y/bot',
    ]);
    assert.deepEqual(await q("app starts with 'craw' && !has(pod) || app ends with 'ler'"), ['y/bot']);
  });

  it('--namespace limits the pods, as a NetworkPolicy selector does', async () => {
    const r = await cli(['select', manifests, '--selector', 'all()', '--namespace', 'y', '--format', 'json']);
    assert.deepEqual(JSON.parse(r.stdout), ['y/a', 'y/b', 'y/bot']);
    const typo = await cli(['select', manifests, '--selector', 'all()', '--namespace', 'yy']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no namespace "yy"; did you mean "y"\?/);
  });

  it('an invalid selector exits 2 and says where it broke', async () => {
    const r = await cli(['select', manifests, '--selector', "app == 'web' && tier = 'db'"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /--selector: invalid Calico selector at character 22: expected == \(a single = is not an operator\)/,
    );
    assert.match(r.stderr, /\n {2}app == 'web' && tier = 'db'\n {23}\^\n/);
  });

  it('needs --selector', async () => {
    const r = await cli(['select', manifests]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /select needs --selector EXPR/);
  });

  it('text output: canonical selector, pods, and what was left out', async () => {
    const r = await cli(['select', manifests, '--selector', "pod=='a'", '--namespace', 'y']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^pod == "a" selects 1 pod in namespace y:\n {2}y\/a\n\(1 hostNetwork pod not considered/);
  });
});

const tiered = file(
  'tiered.yaml',
  world(
    yaml`
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata:
        name: security
      spec:
        order: 100
    `,
    yaml`
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata:
        name: security.screen
      spec:
        tier: security
        order: 1
        selector: projectcalico.org/namespace == "x"
        types: [Ingress]
        ingress:
        - action: Log
        - action: Deny
          source:
            namespaceSelector: ns == "z"
        - action: Pass
    `,
    yaml`
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata:
        name: deny-db
      spec:
        order: 10
        selector: pod == "a"
        ingress:
        - action: Allow
          source:
            selector: pod == "b"
        - action: Deny
          protocol: TCP
          destination:
            ports: [80]
    `,
    yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-all
        namespace: x
      spec:
        podSelector: {}
        ingress: [{}]
    `,
  ),
);

describe('netpol explain on tiers', () => {
  it('prints every step: tiers, kinds, names, orders, rules and actions, through Pass to the decision', async () => {
    const r = await cli(['explain', tiered, '--from', 'y/a', '--to', 'x/a', '--port', '80']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'y/a -> x/a TCP/80: DENIED',
        '  egress from y/a: allowed: no policy selects y/a for egress, so it is not isolated',
        '  ingress to x/a: denied (a rule decided)',
        '    policies selecting x/a for ingress: GlobalNetworkPolicy security.screen [tier security, order 1]; GlobalNetworkPolicy deny-db [tier default, order 10]; NetworkPolicy x/allow-all [tier default, order 1000]',
        '    note: deny-db: types is not set and the policy has only ingress rules, so Calico sets types to [Ingress]: it does not affect egress.',
        '    note: allow-all: policyTypes is not set, so it defaults to Ingress (a policy isolates egress only when it lists egress rules or policyTypes says Egress).',
        '    tier security: GlobalNetworkPolicy security.screen (order 1) ingress rule 1 Log (evaluation goes on): all traffic',
        '    tier security: GlobalNetworkPolicy security.screen (order 1) ingress rule 3 Pass (to the next tier): all traffic',
        '    tier default: GlobalNetworkPolicy deny-db (order 10) ingress rule 2 Deny: protocol TCP; to ports 80',
        '',
      ].join('\n'),
    );
  });

  it('Pass chains end at the profile when no tier decides', async () => {
    const r = await cli(['explain', tiered, '--from', 'y/a', '--to', 'x/b', '--port', '80']);
    assert.match(r.stdout, /ALLOWED/);
    assert.match(
      r.stdout,
      /tier security: GlobalNetworkPolicy security.screen \(order 1\) ingress rule 3 Pass \(to the next tier\): all traffic\n {4}tier default: NetworkPolicy x\/allow-all \(order 1000\) ingress rule 1 Allow/,
    );
    const z = await cli(['explain', tiered, '--from', 'x/a', '--to', 'z/b', '--port', '80', '--format', 'json']);
    const v = JSON.parse(z.stdout);
    assert.equal(v.ingress.reason, 'no-policy');
  });

  it('the JSON form carries the same steps', async () => {
    const r = await cli(['explain', tiered, '--from', 'z/a', '--to', 'x/a', '--port', '80', '--format', 'json']);
    const v = JSON.parse(r.stdout);
    assert.deepEqual(
      v.ingress.steps.map((s: { tier: string; action: string; ruleIndex?: number; order?: number }) => [
        s.tier,
        s.action,
        s.ruleIndex,
        s.order,
      ]),
      [
        ['security', 'Log', 0, 1],
        ['security', 'Deny', 1, 1],
      ],
    );
  });
});

describe('netpol lint on Calico', () => {
  const broken = file(
    'broken.yaml',
    yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata:
        name: broken
        namespace: x
      spec:
        tier: nope
        selector: app == web
        ingress:
        - action: Allow
          destination:
            ports: [80]
    `,
  );

  it('reports the Calico findings with their positions and exits 1', async () => {
    const r = await cli(['lint', broken, '--format', 'json']);
    assert.equal(r.code, 1);
    const rules = JSON.parse(r.stdout).findings.map(
      (f: { rule: string; line: number; column: number }) => `${f.rule}@${f.line}:${f.column}`,
    );
    assert.deepEqual(rules, [
      'policy-not-simulated@4:9',
      'unknown-tier@7:9',
      'invalid-selector@8:20',
      'invalid-field@12:7',
    ]);
  });

  it('SARIF has metadata for every Calico rule id', async () => {
    const r = await cli(['lint', broken, '--format', 'sarif']);
    const run = JSON.parse(r.stdout).runs[0];
    const ids = run.tool.driver.rules.map((x: { id: string }) => x.id);
    for (const id of ['invalid-selector', 'unknown-tier', 'field-not-simulated', 'staged-policy'])
      assert.ok(ids.includes(id), id);
    for (const res of run.results) assert.equal(typeof res.ruleIndex, 'number', res.ruleId);
  });
});
