/**
 * Endpoint classes on generated workspaces, against a simple reference: every atom evaluated on
 * every endpoint, endpoints grouped by their answers. The engine answers most atoms once per pod
 * template (the replicas of a workload) and the atoms about addresses per endpoint; replicas,
 * Pod objects with recorded addresses (IPv4, IPv6, outside the pod network), host-network pods
 * and network sets are mixed here so that templates, address atoms and their common answers all
 * have to be right.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { atomValues } from '../../server/src/engine/classes';
import { applicablePolicies, commaListHas } from '../../server/src/engine/evaluate';
import { podsOfAtom } from '../../server/src/ide/select-pods';
import type { AtomValue } from '../../server/src/policy/atoms';
import { EndpointIndex } from '../../server/src/policy/endpoint-index';
import { analyzeYaml } from '../helpers';

const NAMESPACES = ['ns0', 'ns1', 'ns2'];
const app = fc.constantFrom('a', 'b', 'c');
const tier = fc.constantFrom('x', 'y');
const podLabels = fc.record({ app, tier }, { requiredKeys: ['app'] });
const portName = fc.constantFrom('http', 'metrics');
const address = fc.constantFrom('10.244.0.7', '10.244.1.9', '10.244.3.2', '192.168.1.7', 'fd00::5', '10.1.2.3');

const workload = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels: podLabels,
  replicas: fc.integer({ min: 0, max: 4 }),
  port: fc.record({ name: portName, number: fc.constantFrom(80, 8080) }),
  hostNetwork: fc.boolean(),
  serviceAccount: fc.constantFrom(undefined, 'sa1'),
  daemon: fc.boolean(),
});
const podObject = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels: podLabels,
  ips: fc.array(address, { maxLength: 2 }),
  port: fc.record({ name: portName, number: fc.constantFrom(80, 8080) }),
});
const kubePolicy = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  subject: fc.option(podLabels, { nil: undefined }),
  from: fc.constantFrom(
    '{podSelector: {matchLabels: {tier: x}}}',
    '{namespaceSelector: {matchLabels: {team: t1}}, podSelector: {matchExpressions: [{key: app, operator: In, values: [a, c]}]}}',
    '{ipBlock: {cidr: 10.244.0.0/17, except: [10.244.1.0/24]}}',
    '{ipBlock: {cidr: "fd00::/64"}}',
    '{namespaceSelector: {}}',
  ),
  port: fc.constantFrom('http', 'metrics', 80),
});
const calicoPolicy = fc.record({
  // undefined: a GlobalNetworkPolicy, whose rule selectors see global network sets.
  namespace: fc.constantFrom(undefined, ...NAMESPACES),
  selector: fc.constantFrom("app == 'a'", "tier == 'y' || app == 'b'", 'all()', "has(tier) && app != 'c'"),
  source: fc.constantFrom(
    'selector: "role == \'feed\'"',
    "selector: \"app in {'a', 'b'}\"",
    'nets: [10.244.0.0/24, "fd00::/120"]',
    'notNets: [10.0.0.0/8]',
  ),
});
const workspace = fc.record({
  workloads: fc.array(workload, { maxLength: 6 }),
  pods: fc.array(podObject, { maxLength: 5 }),
  kube: fc.array(kubePolicy, { maxLength: 4 }),
  calico: fc.array(calicoPolicy, { maxLength: 3 }),
  networkSet: fc.boolean(),
});

type Workspace = typeof workspace extends fc.Arbitrary<infer T> ? T : never;

function manifests(w: Workspace): string {
  const docs: string[] = [
    'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n',
    'apiVersion: v1\nkind: Node\nmetadata: {name: n2}\n',
    ...NAMESPACES.map(
      (ns, i) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {team: t${i % 2}}}\n`,
    ),
  ];
  w.workloads.forEach((x, i) => {
    const spec = `{${x.hostNetwork ? 'hostNetwork: true, ' : ''}${x.serviceAccount ? `serviceAccountName: ${x.serviceAccount}, ` : ''}containers: [{name: c, image: i, ports: [{name: ${x.port.name}, containerPort: ${x.port.number}}]}]}`;
    docs.push(
      `apiVersion: apps/v1\nkind: ${x.daemon ? 'DaemonSet' : 'Deployment'}\nmetadata: {name: w${i}, namespace: ${x.namespace}}\nspec:\n  ${x.daemon ? '' : `replicas: ${x.replicas}\n  `}selector: {matchLabels: ${JSON.stringify(x.labels)}}\n  template:\n    metadata: {labels: ${JSON.stringify(x.labels)}}\n    spec: ${spec}\n`,
    );
  });
  w.pods.forEach((p, i) => {
    const status = p.ips.length
      ? `status: {podIP: "${p.ips[0]}", podIPs: [${p.ips.map((ip) => `{ip: "${ip}"}`).join(', ')}]}\n`
      : '';
    docs.push(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: ${p.namespace}, labels: ${JSON.stringify(p.labels)}}\nspec: {containers: [{name: c, image: i, ports: [{name: ${p.port.name}, containerPort: ${p.port.number}}]}]}\n${status}`,
    );
  });
  w.kube.forEach((k, i) => {
    const subject = k.subject ? `{matchLabels: ${JSON.stringify(k.subject)}}` : '{}';
    docs.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: k${i}, namespace: ${k.namespace}}\nspec:\n  podSelector: ${subject}\n  ingress: [{from: [${k.from}], ports: [{port: ${k.port}}]}]\n  egress: [{to: [${k.from}]}]\n`,
    );
  });
  w.calico.forEach((c, i) => {
    docs.push(
      `apiVersion: projectcalico.org/v3\nkind: ${c.namespace ? 'NetworkPolicy' : 'GlobalNetworkPolicy'}\nmetadata: {name: c${i}${c.namespace ? `, namespace: ${c.namespace}` : ''}}\nspec:\n  selector: "${c.selector}"\n  types: [Ingress]\n  ingress: [{action: Deny, source: {${c.source}}}, {action: Allow}]\n`,
    );
  });
  if (w.networkSet)
    docs.push(
      'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata: {name: feed, labels: {role: feed}}\nspec: {nets: [10.244.1.0/24, 192.168.0.0/16]}\n',
    );
  return docs.join('---\n');
}

describe('engine: endpoint classes against evaluating every atom on every endpoint', () => {
  it('gives each endpoint the answers of the reference, and groups exactly the endpoints that answer alike', () => {
    let replicas = 0;
    let addressAnswers = 0;
    let allowedCells = 0;
    let deniedCells = 0;
    fc.assert(
      fc.property(workspace, (w) => {
        const a = analyzeYaml(manifests(w));
        const classOfKey = new Map<string, number>();
        a.endpoints.forEach((ep, i) => {
          const reference = atomValues(a.policies.atoms, ep);
          const cls = a.engine.classes[a.engine.classIdOf(i)];
          assert.deepEqual(
            reference.map((_, k) => cls.values.get(k)),
            reference,
            ep.id,
          );
          const families = [...new Set(ep.ips.map((ip) => ip.family))].sort();
          assert.deepEqual(cls.families, families, ep.id);
          assert.equal(cls.kind, ep.kind, ep.id);
          const key = JSON.stringify([ep.kind, families, reference]);
          const known = classOfKey.get(key);
          if (known === undefined) classOfKey.set(key, cls.id);
          else assert.equal(cls.id, known, `${ep.id} answers like another class's members`);
          if (ep.pod?.workload) replicas++;
          if (a.policies.atoms.some((x) => x.readsAddresses && reference[x.id] !== x.usual)) addressAnswers++;
        });
        assert.equal(classOfKey.size, a.engine.classes.length, 'one class per distinct answer');
        for (const atom of a.policies.atoms)
          assert.deepEqual(
            a.engine.unusualClasses(atom.id),
            a.engine.classes.filter((c) => c.values.get(atom.id) !== atom.usual).map((c) => c.id),
            `classes answering ${atom.key} otherwise than usual`,
          );
        // podsOfAtom reads only the classes answering the atom unusually: against every endpoint's own answer.
        const holds = (v: AtomValue) => v === true || (typeof v === 'string' && /^[01]{2}$/.test(v) && v.includes('1'));
        for (const atom of a.policies.atoms)
          assert.deepEqual(
            podsOfAtom(a, atom.id),
            a.endpoints.flatMap((ep, i) => (holds(atom.evaluate(ep)) ? [i] : [])),
            `endpoints answering ${atom.key} with true or an address`,
          );
        // Classes in the order of their first member, members ascending.
        let next = 0;
        a.endpoints.forEach((_, i) => {
          const c = a.engine.classIdOf(i);
          if (c === next) next++;
          else assert.ok(c < next, 'classes numbered in endpoint order');
        });
        // Peer groups against grouping the pod classes by their answers to the atoms asked.
        const pods = a.engine.classes.filter((c) => c.kind === 'pod');
        const ids = a.policies.atoms.map((x) => x.id);
        for (const asked of [ids, ids.filter((x) => x % 2 === 0), ids.filter((x) => x % 3 === 1), []]) {
          const naive = new Map<string, number[]>();
          for (const c of pods) {
            const key = JSON.stringify([c.families, asked.map((x) => c.values.get(x))]);
            naive.set(key, [...(naive.get(key) ?? []), c.id]);
          }
          assert.deepEqual(
            a.engine.peerGroups.groups(asked).map((g) => g.classes().map((c) => c.id)),
            [...naive.values()],
          );
        }
        // The matrix (whose class-pair table is decided by peer groups) against each pair explained alone.
        for (const [protocol, port] of [
          ['TCP', 80],
          ['TCP', 8080],
        ] as const) {
          const rows = a.engine.matrix(protocol, port);
          rows.forEach((row, i) => {
            row.forEach((cell, j) => {
              const alone = a.engine.explainEndpoints(a.endpoints[i], a.endpoints[j], protocol, port).allowed;
              assert.equal(cell === 1, alone, `${a.endpoints[i].id} -> ${a.endpoints[j].id} ${protocol}/${port}`);
              if (alone) allowedCells++;
              else deniedCells++;
            });
          });
        }
        for (const cls of a.engine.classes)
          for (const direction of ['ingress', 'egress'] as const)
            assert.deepEqual(
              a.engine.applicable(cls.id, direction),
              applicablePolicies(a.policies, cls.values, direction),
              `class ${cls.id} ${direction}`,
            );
      }),
      { seed: 2026, numRuns: 80 },
    );
    assert.ok(replicas > 100, 'workloads expanded into replicas');
    assert.ok(addressAnswers > 10, 'address atoms answered otherwise than usual');
    assert.ok(
      allowedCells > 1000 && deniedCells > 1000,
      `matrix cells: ${allowedCells} allowed, ${deniedCells} denied`,
    );
  });

  it("gives as each atom's candidates (ascending) every endpoint answering it otherwise than usual", () => {
    let narrowed = 0;
    fc.assert(
      fc.property(workspace, (w) => {
        const a = analyzeYaml(manifests(w));
        const index = new EndpointIndex(a.endpoints);
        for (const atom of a.policies.atoms) {
          const candidates = atom.candidates(index);
          if (!candidates) continue;
          for (let k = 1; k < candidates.length; k++) assert.ok(candidates[k - 1] < candidates[k], atom.key);
          const listed = new Set(candidates);
          a.endpoints.forEach((ep, i) => {
            if (atom.evaluate(ep) !== atom.usual) assert.ok(listed.has(i), `${atom.key}: ${ep.id}`);
          });
          if (candidates.length < a.endpoints.length) narrowed++;
        }
      }),
      { seed: 2026, numRuns: 80 },
    );
    assert.ok(narrowed > 100, 'candidates narrower than every endpoint');
  });

  it('finds an entry of a named-port answer as splitting it would', () => {
    const entry = fc.constantFrom('TCP/80', 'TCP/8080', 'UDP/80', 'TCP/8', 'CP/80');
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), entry, (list, item) => {
        const text = list.join(',');
        assert.equal(commaListHas(text, item), text.split(',').includes(item));
      }),
      { seed: 2026, numRuns: 500 },
    );
  });
});
