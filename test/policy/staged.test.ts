/**
 * Staged policies: shown (an information finding) but not enforced, unless
 * evaluated as if enforced (analysis option, `--staged`), where stagedAction
 * Set replaces or adds, Delete removes, Learn/Ignore change nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verdictText } from '../../server/src/engine/explain';
import { lint } from '../../server/src/lint';
import { analyzeYaml, canReach, cli, spanned, yaml } from '../helpers';
import { world } from './world';

/** A Calico policy of `kind`, in namespace `ns` unless the kind is global, with `spec` (YAML). */
const calico = (kind: string, name: string, spec: string, ns = 'x') => yaml`
  apiVersion: projectcalico.org/v3
  kind: ${kind}
  metadata: {name: ${name}${kind.includes('Global') ? '' : `, namespace: ${ns}`}}
  spec:
    ${spec}`;
const denyAll = yaml`
  ingress:
  - action: Deny`;
const allowAll = yaml`
  ingress:
  - action: Allow`;

describe('staged policies', () => {
  const staged = calico('StagedNetworkPolicy', 'lockdown', denyAll);

  it('are not enforced by default, and say so', () => {
    const a = analyzeYaml(world(staged));
    assert.equal(canReach(a, 'y/a', 'x/a'), true);
    const f = lint(a).filter((x) => x.rule === 'staged-policy');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    assert.equal(spanned(f[0]), 'lockdown');
    assert.match(
      f[0].message,
      /StagedNetworkPolicy x\/lockdown is staged: Calico previews it but does not enforce it.*--staged.*netpolStudio\.evaluateStagedPolicies/,
    );
  });

  it('are enforced when evaluated as if enforced, and explanations name them', () => {
    const a = analyzeYaml(world(staged), { evaluateStaged: true });
    assert.equal(canReach(a, 'y/a', 'x/a'), false);
    const text = verdictText(
      a.engine.explain(a.engine.indexOf('y/a')!, a.engine.indexOf('x/a')!, 'TCP', 80),
      'y/a',
      'x/a',
    ).join('\n');
    assert.match(text, /tier default: StagedNetworkPolicy x\/lockdown \(no order\) ingress rule 1 Deny/);
    assert.match(text, /note: lockdown: staged \(Set\), evaluated as if enforced/);
    assert.match(
      lint(a).find((x) => x.rule === 'staged-policy')!.message,
      /evaluated as if enforced \(stagedAction Set\): it adds NetworkPolicy x\/lockdown/,
    );
  });

  it('Set replaces the enforced policy of the same name', () => {
    const enforced = calico('NetworkPolicy', 'gate', denyAll);
    const a = analyzeYaml(world(enforced, calico('StagedNetworkPolicy', 'gate', allowAll)), { evaluateStaged: true });
    assert.equal(canReach(a, 'y/a', 'x/a'), true);
    assert.equal(
      canReach(analyzeYaml(world(enforced, calico('StagedNetworkPolicy', 'gate', allowAll))), 'y/a', 'x/a'),
      false,
    );
  });

  it('Delete removes it; Learn and Ignore change nothing', () => {
    const enforced = calico('NetworkPolicy', 'gate', denyAll);
    const del = calico('StagedNetworkPolicy', 'gate', 'stagedAction: Delete');
    assert.equal(canReach(analyzeYaml(world(enforced, del), { evaluateStaged: true }), 'y/a', 'x/a'), true);
    const learn = calico(
      'StagedNetworkPolicy',
      'gate',
      yaml`
        stagedAction: Learn
        ${allowAll}`,
    );
    assert.equal(canReach(analyzeYaml(world(enforced, learn), { evaluateStaged: true }), 'y/a', 'x/a'), false);
  });

  it('a Delete with a spec is rejected at stagedAction', () => {
    const deleteWithSpec = yaml`
      stagedAction: Delete
      ${allowAll}`;
    const f = lint(analyzeYaml(world(calico('StagedNetworkPolicy', 'gate', deleteWithSpec))));
    const hit = f.find((x) => /with stagedAction Delete/.test(x.message))!;
    assert.equal(spanned(hit), 'Delete');
  });

  it('StagedGlobalNetworkPolicy and StagedKubernetesNetworkPolicy', () => {
    const sgnp = calico(
      'StagedGlobalNetworkPolicy',
      'lock-y',
      yaml`
        selector: projectcalico.org/namespace == "y"
        ${denyAll}`,
    );
    assert.equal(canReach(analyzeYaml(world(sgnp), { evaluateStaged: true }), 'x/a', 'y/a'), false);
    const sknp = yaml`
      apiVersion: projectcalico.org/v3
      kind: StagedKubernetesNetworkPolicy
      metadata:
        name: default-deny
        namespace: z
      spec:
        stagedAction: Set
        podSelector: {}
        policyTypes: [Ingress]`;
    assert.equal(canReach(analyzeYaml(world(sknp)), 'x/a', 'z/a'), true);
    const a = analyzeYaml(world(sknp), { evaluateStaged: true });
    assert.equal(canReach(a, 'x/a', 'z/a'), false);
    const text = verdictText(
      a.engine.explain(a.engine.indexOf('x/a')!, a.engine.indexOf('z/a')!, 'TCP', 80),
      'x/a',
      'z/a',
    ).join('\n');
    assert.match(text, /StagedKubernetesNetworkPolicy z\/default-deny/);
  });
});

describe('netpol --staged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-staged-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'm.yaml');
  writeFileSync(file, world(calico('StagedNetworkPolicy', 'lockdown', denyAll)));

  it('changes the matrix', async () => {
    const without = JSON.parse((await cli(['matrix', file, '--port', '80', '--format', 'json'])).stdout);
    const withStaged = JSON.parse((await cli(['matrix', file, '--port', '80', '--format', 'json', '--staged'])).stdout);
    const col = without.endpoints.indexOf('x/a');
    assert.equal(without.allowed[without.endpoints.indexOf('y/a')][col], true);
    assert.equal(withStaged.allowed[withStaged.endpoints.indexOf('y/a')][col], false);
  });

  it('is accepted by lint and explain, not by addresses', async () => {
    assert.equal((await cli(['lint', file, '--staged'])).code, 0);
    const e = await cli(['explain', file, '--from', 'y/a', '--to', 'x/a', '--port', '80', '--staged']);
    assert.match(e.stdout, /DENIED/);
    const bad = await cli(['addresses', file, '--staged']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option --staged/);
  });
});
