/**
 * Property-based fuzzing with fast-check (seeded, so a failure reproduces: fast-check prints the
 * seed and the shrunk counterexample). Generated policies and pods with hostile values in every
 * field, arbitrary text and bytes, and Calico selectors, through the whole pipeline with the
 * oracle of fuzz-cases.ts (nothing throws, no internal failure, the canary analysed); a few
 * generated workspaces also through the language server against `netpol lint --format json`
 * (fuzz-oracle.ts). The long mutation run is `npm run fuzz`.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { SourceFile } from '../../server/src/common/source';
import { analyzeSources } from '../../server/src/engine/analysis';
import { runLint } from '../../server/src/lint';
import { parseSelector } from '../../server/src/policy/selector/calico-selector';
import { runCase } from './fuzz-cases';
import { LspCliOracle } from './fuzz-oracle';

const SEED = 2026;

/** Strings people and generators put in manifests, and the ones they should not. */
const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    'web',
    'app',
    'kube-system',
    '*',
    '0.0.0.0/0',
    '10.0.0.0/33',
    '::/0',
    'a'.repeat(300),
    '{{ .Values.x }}',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 65535, 65536, 2 ** 31, Number.MAX_SAFE_INTEGER, 1e21, 0.5),
);
const scalar = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
const labels = fc.dictionary(hostileString, fc.oneof(hostileString, scalar), { maxKeys: 3 });
const selectorText = fc.oneof(
  fc.constantFrom('all()', "app == 'web'", 'has(tier) && !has(x)', "a in {'b', 'c'}", 'global()', "((a == 'b')"),
  fc.string({ unit: fc.constantFrom(...'ab()!&|=\'" {},in'), maxLength: 30 }),
);
const port = fc.record(
  {
    port: fc.oneof(hostileNumber, hostileString),
    protocol: fc.oneof(fc.constantFrom('TCP', 'UDP', 'SCTP', 'tcp'), scalar),
    endPort: hostileNumber,
  },
  { requiredKeys: [] },
);
const peer = fc.record(
  {
    podSelector: fc.record({ matchLabels: labels }, { requiredKeys: [] }),
    namespaceSelector: fc.oneof(fc.record({ matchLabels: labels }, { requiredKeys: [] }), scalar),
    ipBlock: fc.record(
      { cidr: fc.oneof(hostileString, scalar), except: fc.array(hostileString, { maxLength: 2 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const rule = fc.record(
  {
    from: fc.array(peer, { maxLength: 2 }),
    to: fc.array(peer, { maxLength: 2 }),
    ports: fc.array(port, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const k8sPolicy = fc.record({
  apiVersion: fc.constantFrom('networking.k8s.io/v1', 'networking.k8s.io/v2'),
  kind: fc.constant('NetworkPolicy'),
  metadata: fc.record({ name: hostileString, namespace: hostileString }, { requiredKeys: [] }),
  spec: fc.record(
    {
      podSelector: fc.oneof(fc.record({ matchLabels: labels }, { requiredKeys: [] }), scalar),
      policyTypes: fc.array(fc.oneof(fc.constantFrom('Ingress', 'Egress', 'ingress'), scalar), { maxLength: 3 }),
      ingress: fc.oneof(fc.array(rule, { maxLength: 2 }), scalar),
      egress: fc.oneof(fc.array(rule, { maxLength: 2 }), scalar),
    },
    { requiredKeys: [] },
  ),
});

const calicoRule = fc.record(
  {
    action: fc.oneof(fc.constantFrom('Allow', 'Deny', 'Pass', 'Log', 'allow'), scalar),
    protocol: fc.oneof(fc.constantFrom('TCP', 'UDP', 'ICMP', 6), scalar),
    source: fc.record(
      {
        selector: selectorText,
        nets: fc.array(hostileString, { maxLength: 2 }),
        ports: fc.array(fc.oneof(hostileNumber, hostileString), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    destination: fc.record(
      {
        selector: selectorText,
        namespaceSelector: selectorText,
        notPorts: fc.array(fc.oneof(hostileNumber, hostileString), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const calicoPolicy = fc.record({
  apiVersion: fc.constant('projectcalico.org/v3'),
  kind: fc.constantFrom('NetworkPolicy', 'GlobalNetworkPolicy', 'StagedNetworkPolicy'),
  metadata: fc.record({ name: hostileString, namespace: hostileString }, { requiredKeys: [] }),
  spec: fc.record(
    {
      tier: fc.oneof(fc.constantFrom('default', 'security'), scalar),
      order: hostileNumber,
      selector: selectorText,
      types: fc.array(fc.oneof(fc.constantFrom('Ingress', 'Egress'), scalar), { maxLength: 2 }),
      ingress: fc.array(calicoRule, { maxLength: 2 }),
      egress: fc.array(calicoRule, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
});

const workload = fc.record({
  apiVersion: fc.constantFrom('v1', 'apps/v1'),
  kind: fc.constantFrom('Pod', 'Deployment', 'StatefulSet', 'DaemonSet'),
  metadata: fc.record({ name: hostileString, namespace: hostileString, labels }, { requiredKeys: [] }),
  spec: fc.record(
    {
      // Kept small so the suite stays fast: a huge count expands to the simulated-pods limit, whose own
      // test is simulated-pods.test.ts.
      replicas: fc.oneof(fc.integer({ min: -2, max: 4 }), hostileString),
      hostNetwork: fc.oneof(fc.boolean(), scalar),
      nodeName: hostileString,
      containers: fc.array(
        fc.record(
          {
            name: hostileString,
            image: hostileString,
            ports: fc.array(
              fc.record({ name: hostileString, containerPort: hostileNumber, protocol: scalar }, { requiredKeys: [] }),
              { maxLength: 2 },
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      template: fc.record(
        {
          metadata: fc.record({ labels }, { requiredKeys: [] }),
          spec: fc.record({ containers: fc.constant([{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }]) }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
  status: fc.record({ podIP: hostileString }, { requiredKeys: [] }),
});

const namespaceDoc = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Namespace'),
  metadata: fc.record({ name: hostileString, labels }),
});

/** A workspace file: documents of those kinds, as JSON (which is YAML) or as block YAML by hand. */
const manifestFile = fc
  .array(fc.oneof(k8sPolicy, calicoPolicy, workload, namespaceDoc), { minLength: 1, maxLength: 5 })
  .map((docs) => docs.map((d) => JSON.stringify(d)).join('\n---\n'));

function assertCase(input: string | Uint8Array): void {
  const r = runCase(input);
  assert.ok(r.ok, r.problem);
}

describe('reliability: property-based fuzzing (fast-check)', () => {
  it('generated policies, workloads and namespaces with hostile values: analysed, no throw, no internal failure', () => {
    fc.assert(fc.property(manifestFile, assertCase), { seed: SEED, numRuns: 150, endOnFailure: true });
  });

  it('arbitrary text and arbitrary bytes (invalid UTF-8, binary): analysed, no throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.uint8Array({ maxLength: 600 })),
        assertCase,
      ),
      { seed: SEED, numRuns: 150, endOnFailure: true },
    );
  });

  it('the analysis is a function of the text: the same files give the same findings', () => {
    fc.assert(
      fc.property(manifestFile, (text) => {
        const once = () =>
          runLint(analyzeSources([new SourceFile('a.yaml', text)])).findings.map(
            (f) => `${f.rule} ${f.span.start} ${f.message}`,
          );
        assert.deepEqual(once(), once());
      }),
      { seed: SEED, numRuns: 40, endOnFailure: true },
    );
  });

  it('Calico selectors: parsing never throws, and the canonical form parses to itself', () => {
    fc.assert(
      fc.property(selectorText, (text) => {
        const r = parseSelector(text);
        if (!r.ok) return;
        const canonical = r.selector.describe();
        const again = parseSelector(canonical);
        assert.ok(again.ok, `${JSON.stringify(text)} printed as ${canonical}, which does not parse`);
        assert.equal(again.selector.describe(), canonical);
      }),
      { seed: SEED, numRuns: 400, endOnFailure: true },
    );
  });

  describe('the language server and netpol lint --format json agree', () => {
    const oracle = new LspCliOracle(30_000);
    after(() => oracle.stop());

    it('on generated workspaces, on disk and opened in the editor', async () => {
      await fc.assert(
        fc.asyncProperty(manifestFile, fc.boolean(), async (text, open) => {
          const r = await oracle.check({ content: text, open });
          assert.ok(r.ok, r.problem);
        }),
        { seed: SEED, numRuns: 12, endOnFailure: true },
      );
    });

    it('the oracle notices when they differ (here: the CLI turns a rule off)', async () => {
      const differing = new LspCliOracle(30_000, ['--rule', 'non-isolated-pods=off']);
      try {
        const r = await differing.check({ content: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' });
        assert.equal(r.ok, false);
        assert.match(
          r.problem ?? '',
          /CLI and server differ on zz-canary\.yaml: only the CLI: \[\]; only the server: \[.*non-isolated-pods/,
        );
      } finally {
        await differing.stop();
      }
    });
  });
});
