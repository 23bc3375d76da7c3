/**
 * Go to definition from a selector or peer to the workloads it matches, and
 * find references from a workload to every policy that selects it or admits
 * it as a peer.
 */
import type { Location, Position } from 'vscode-languageserver/node';
import { rangeOf, type Span } from '../common/source';
import { ruleAdmission } from '../engine/admission';
import type { Analysis } from '../engine/analysis';
import { targetsAt } from '../ide/object-at';
import { policyObjects } from '../ide/policy-index';
import { podsOfAtom, podsOfWorkload } from '../ide/select-pods';
import { peerAdmission } from '../ide/target-facts';
import type { Feature } from './feature';
import { uriOfFile } from './session';

const location = (s: Span): Location => ({ uri: uriOfFile(s.file), range: rangeOf(s) });

/** Where each pod's workload (or the Pod object) is written, once per object. */
function ownerSpans(a: Analysis, pods: readonly number[]): Span[] {
  const seen = new Set<Span>();
  for (const i of pods) {
    const pod = a.endpoints[i].pod;
    if (!pod) continue;
    seen.add(pod.workload ? pod.workload.meta.nameSpan : pod.meta.nameSpan);
  }
  return [...seen];
}

function definition(a: Analysis, file: import('../common/source').SourceFile, offset: number): Span[] | undefined {
  for (const t of targetsAt(a, file, offset)) {
    if (t.type === 'subject' && t.compiled) return ownerSpans(a, podsOfAtom(a, t.compiled.subject));
    if (t.type === 'calico-selector' && t.use) return ownerSpans(a, podsOfAtom(a, t.use.atom));
    if (t.type === 'peer' && t.compiled && t.rule) {
      const adm = peerAdmission(a, t.compiled, t.rule, t.peer.index);
      if (adm)
        return ownerSpans(
          a,
          adm.peerClasses.flatMap((c) => c.members),
        );
    }
    if (t.type === 'rule' && t.compiled && t.rule)
      return ownerSpans(
        a,
        ruleAdmission(a, t.compiled, t.rule).peerClasses.flatMap((c) => c.members),
      );
    if (t.type === 'namespace-selector' && t.peer && t.compiled && t.rule) {
      const adm = peerAdmission(a, t.compiled, t.rule, t.peer.index);
      if (adm)
        return ownerSpans(
          a,
          adm.peerClasses.flatMap((c) => c.members),
        );
    }
  }
  return undefined;
}

/** Policies selecting the workload at `offset` (at their selector) and rules admitting it as a peer. */
function references(a: Analysis, file: import('../common/source').SourceFile, offset: number): Span[] | undefined {
  const t = targetsAt(a, file, offset).find((x) => x.type === 'workload' || x.type === 'pod-object');
  if (!t || (t.type !== 'workload' && t.type !== 'pod-object')) return undefined;
  const pods = podsOfWorkload(a, t.type === 'workload' ? t.workload : t.object);
  const classes = new Set(pods.map((i) => a.engine.classIdOf(i)));
  const out: Span[] = [];
  for (const o of policyObjects(a)) {
    const nameSpan = o.policy.meta.nameSpan;
    const tier = a.policies.tiers.find((x) => x.policies.some((p) => p.ref.span === nameSpan));
    const compiled = tier?.policies.find((p) => p.ref.span === nameSpan);
    if (!compiled) continue;
    const selects = [...classes].some((c) => a.engine.classes[c].values.get(compiled.subject) === true);
    if (selects) {
      const subject = o.type === 'kube' ? o.policy.podSelector.span : (o.policy.selector?.span ?? nameSpan);
      out.push(subject);
    }
    for (const rule of [...(compiled.ingress ?? []), ...(compiled.egress ?? [])]) {
      const adm = ruleAdmission(a, compiled, rule);
      if (adm.ports.length && adm.peerClasses.some((c) => classes.has(c.id))) out.push(rule.span);
    }
  }
  return out;
}

export const navigationFeature: Feature = {
  capabilities: { definitionProvider: true, referencesProvider: true },
  register(session) {
    // Locations in other files hold only if those files did not change since the analysis.
    const locations = (uri: string, position: Position, find: typeof definition) =>
      session.crossFileAnswer(
        uri,
        (s) => {
          const file = s.files.get(uri);
          return file ? (find(s.analysis, file, file.offsetAt(position)) ?? null) : null;
        },
        (spans) => (spans ?? []).map((span) => uriOfFile(span.file)),
      );
    session.connection.onDefinition(async ({ textDocument, position }) => {
      const spans = await locations(textDocument.uri, position, definition);
      return spans ? spans.map(location) : null;
    });
    session.connection.onReferences(async ({ textDocument, position }) => {
      const spans = await locations(textDocument.uri, position, references);
      return spans ? spans.map(location) : null;
    });
  },
};
