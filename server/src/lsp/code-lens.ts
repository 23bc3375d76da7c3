/**
 * CodeLens above each policy ("selects 3 pods · admits 2 workloads", "Explain")
 * and each workload ("reachable from 4 of 16 workloads · can reach 2"). They
 * open the matrix panel focused on the policy's pods or the workload.
 */
import { type CodeLens, CodeLensRefreshRequest } from 'vscode-languageserver/node';
import { rangeOf, type Span } from '../common/source';
import { plural } from '../common/text';
import { ownerName } from '../engine/describe';
import { findCompiledPolicy, policyObjects } from '../ide/policy-index';
import { policySummary } from '../ide/reach-summary';
import { workloadReach, workloadReachText } from '../ide/reach-summary';
import { podsOfWorkload } from '../ide/select-pods';
import { policyName } from '../policy/rule-model';
import { ClientCommands, type ExplainCommandArgs, type MatrixCommandArgs } from '../protocol/netpol-protocol';
import type { Feature } from './feature';

/** The lens's line: the object's first line (its `apiVersion`/`kind`), as a zero-width range. */
function at(s: Span) {
  const r = rangeOf(s);
  return { start: r.start, end: r.start };
}

export const codeLensFeature: Feature = {
  capabilities: { codeLensProvider: { resolveProvider: false } },
  register(session) {
    session.connection.onCodeLens(async ({ textDocument }) => {
      if (!session.editor.codeLens) return [];
      const s = await session.snapshotFor(textDocument.uri);
      const file = s.files.get(textDocument.uri);
      if (!file) return [];
      const a = s.analysis;
      const lenses: CodeLens[] = [];
      for (const o of policyObjects(a)) {
        const meta = o.policy.meta;
        if (meta.span.file !== file) continue;
        const compiled = findCompiledPolicy(a, meta.nameSpan);
        if (!compiled) {
          lenses.push({ range: at(meta.span), command: { title: 'not simulated', command: '' } });
          continue;
        }
        const s = policySummary(a, compiled);
        const first = s.selected[0];
        const args: ExplainCommandArgs = first === undefined ? {} : { to: a.endpoints[first].id };
        // The matrix's ids: workloads (`Deployment shop/api`) and, for its pods view, the pods.
        const owners = [...new Set(s.selected.map((i) => ownerName(a.endpoints[i])))];
        const focus: MatrixCommandArgs = {
          focus: [...owners, ...s.selected.map((i) => a.endpoints[i].id)],
          focusLabel: `${policyName(compiled.ref)}'s pods`,
        };
        const parts = [`selects ${plural(s.selected.length, 'pod')}`];
        if (s.ingressSources)
          parts.push(
            `admits ${plural(s.ingressSources.workloads, 'workload')}${s.ingressSources.external ? ' and outside addresses' : ''}`,
          );
        if (s.egressDestinations)
          parts.push(
            `allows egress to ${plural(s.egressDestinations.workloads, 'workload')}${s.egressDestinations.external ? ' and outside addresses' : ''}`,
          );
        lenses.push({
          range: at(meta.span),
          command: { title: parts.join(' · '), command: ClientCommands.showMatrix, arguments: [focus] },
        });
        lenses.push({
          range: at(meta.span),
          command: { title: 'Explain', command: ClientCommands.explainConnection, arguments: [args] },
        });
      }
      const objects = [...a.cluster.workloads, ...a.cluster.pods.filter((p) => !p.workload)];
      for (const w of objects) {
        if (w.meta.span.file !== file) continue;
        const pods = podsOfWorkload(a, w);
        if (pods.length === 0) {
          lenses.push({ range: at(w.meta.span), command: { title: 'no pods simulated', command: '' } });
          continue;
        }
        const reach = workloadReach(a, ownerName(a.endpoints[pods[0]]));
        if (!reach) continue;
        const owner = ownerName(a.endpoints[pods[0]]);
        const args: MatrixCommandArgs = { focus: [owner, ...pods.map((i) => a.endpoints[i].id)], focusLabel: owner };
        lenses.push({
          range: at(w.meta.span),
          command: { title: workloadReachText(reach), command: ClientCommands.showMatrix, arguments: [args] },
        });
      }
      return lenses;
    });
    session.onAnalysed(() => {
      if (session.client.codeLensRefresh)
        void session.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    });
  },
};
