/**
 * The server side of the palette commands (workspace/executeCommand): the
 * client gathers input (quick picks), the server answers from the analysis
 * with the same code the CLI runs (ide/).
 */
import { SourceFile } from '../common/source';
import { plural } from '../common/text';
import type { Analysis } from '../engine/analysis';
import { ownerName } from '../engine/describe';
import { explainPair } from '../ide/explain-pair';
import { defaultDenyYaml, leastPrivilegeCheck, leastPrivilegePolicy } from '../ide/generate-policy';
import { targetsAt } from '../ide/object-at';
import { servedPorts } from '../ide/port-matrix';
import { resolveEndpoint, resolvePort } from '../ide/resolve-endpoint';
import { podsOfWorkload } from '../ide/select-pods';
import type { Protocol } from '../model/kubernetes';
import {
  type EndpointChoice,
  type ExplainParams,
  type ExplainResult,
  type NamespaceParams,
  type NewDocumentResult,
  SERVER_COMMAND_IDS,
  ServerCommands,
  type WorkloadParams,
} from '../protocol/netpol-protocol';
import type { Feature } from './feature';
import { type Session, type Snapshot, uriOfFile } from './session';

function link(span: import('../common/source').Span, text: string): string {
  const line = span.file.positionAt(span.start).line + 1;
  return `[${text}](${uriOfFile(span.file)}#L${line})`;
}

export function explainMarkdown(a: Analysis, p: ExplainParams): ExplainResult {
  const from = resolveEndpoint(a, p.from);
  if (!from.ok) return { ok: false, markdown: `From: ${from.message}` };
  const to = resolveEndpoint(a, p.to);
  if (!to.ok) return { ok: false, markdown: `To: ${to.message}` };
  const protocol: Protocol = p.protocol ?? 'TCP';
  let ports: { protocol: Protocol; port: number }[];
  if (p.port !== undefined && p.port !== '') {
    const r = resolvePort(to.value, protocol, p.port);
    if (!r.ok) return { ok: false, markdown: `Port: ${r.message}` };
    ports = [{ protocol, port: r.value }];
  } else {
    const i = a.engine.indexOf(to.value.id);
    ports = i === undefined ? [] : servedPorts(a, i);
    if (ports.length === 0) return { ok: false, markdown: `${to.value.id} declares no ports: give a port number.` };
  }
  const out: string[] = [];
  let allowed = true;
  for (const { protocol: proto, port } of ports) {
    const e = explainPair(a, from.value, to.value, proto, port);
    allowed &&= e.verdict.allowed;
    out.push(`## ${e.from} → ${e.to} ${proto}/${port}: ${e.verdict.allowed ? '✅ ALLOWED' : '⛔ DENIED'}`, '');
    for (const n of e.verdict.notes) out.push(`> ${n}`, '');
    for (const d of [e.verdict.egress, e.verdict.ingress]) {
      const who = d.direction === 'egress' ? `egress from ${e.from}` : `ingress to ${e.to}`;
      out.push(`**${who}: ${d.allowed ? 'allowed' : 'denied'}** (${d.reason.replace(/-/g, ' ')})`, '');
      for (const s of e.steps.filter((x) => x.step.direction === d.direction)) {
        if (!s.policy) {
          out.push(`- ${s.step.action === 'Profile' ? '' : `tier ${s.step.tier}: `}${s.step.detail}`);
          continue;
        }
        const where = s.ruleSpan
          ? link(s.ruleSpan, `${s.policy}, ${s.step.direction} rule ${(s.step.ruleIndex ?? 0) + 1}`)
          : link(s.policySpan!, s.policy);
        out.push(`- **${s.step.action}** by ${where} (tier ${s.step.tier}): ${s.step.detail}`);
      }
      if (d.steps.length) out.push('');
    }
    out.push('```', ...e.text, '```', '');
  }
  return { ok: true, markdown: `# Explain: ${from.value.id} → ${to.value.id}\n\n${out.join('\n')}`, allowed };
}

export function endpointChoices(a: Analysis): EndpointChoice[] {
  const out: EndpointChoice[] = [];
  const seen = new Set<string>();
  a.endpoints.forEach((e, i) => {
    const owner = ownerName(e);
    if (e.pod?.workload && !seen.has(owner)) {
      seen.add(owner);
      out.push({ id: e.id, label: owner, description: `first pod ${e.id}`, kind: 'workload' });
    }
    const ports = servedPorts(a, i).map((s) => s.key);
    out.push({
      id: e.id,
      label: e.id,
      description: `${e.ips.map((x) => x.text).join(', ') || 'no address'}${ports.length ? ` · ${ports.join(', ')}` : ''}`,
      kind: e.kind === 'host' ? 'host' : 'pod',
    });
  });
  return out;
}

function fileAt(s: Snapshot, uri?: string): SourceFile | undefined {
  return uri ? s.files.get(uri) : undefined;
}

function namespaceAt(s: Snapshot, p: NamespaceParams): string | undefined {
  if (p.namespace) return p.namespace;
  const file = fileAt(s, p.uri);
  if (!file || p.line === undefined) return undefined;
  const a = s.analysis;
  const offset = file.offsetAt({ line: p.line, character: 0 });
  const objects = a.cluster.objects.filter((o) => o.meta.span.file === file);
  const o = objects.find((x) => x.meta.span.start <= offset && offset <= x.meta.span.end) ?? objects[0];
  return o?.meta.kind === 'Namespace' ? o.meta.name : o?.meta.namespace;
}

export function defaultDeny(s: Snapshot, p: NamespaceParams): NewDocumentResult {
  const ns = namespaceAt(s, p);
  if (!ns)
    return { ok: false, content: '', message: 'No namespace here: open a manifest of the namespace, or name one.' };
  const a = s.analysis;
  const names = a.cluster.networkPolicies.filter((x) => x.meta.namespace === ns).map((x) => x.meta.name);
  const content = defaultDenyYaml(a, ns, names);
  const pods = a.endpoints.filter((e) => e.namespace === ns && e.kind === 'pod').length;
  return {
    ok: true,
    content,
    message: `A default-deny for ${ns} isolates its ${plural(pods, 'pod')} for ingress and egress.`,
  };
}

export function leastPrivilege(session: Session, s: Snapshot, p: WorkloadParams): NewDocumentResult {
  const a = s.analysis;
  let pods: number[] = [];
  if (p.workload) {
    pods = a.endpoints
      .map((e, i) => [e, i] as const)
      .filter(([e]) => ownerName(e) === p.workload || e.id === p.workload)
      .map(([, i]) => i);
  } else {
    const file = fileAt(s, p.uri);
    if (file && p.line !== undefined) {
      const t = targetsAt(a, file, file.offsetAt({ line: p.line, character: 0 })).find(
        (x) => x.type === 'workload' || x.type === 'pod-object',
      );
      if (t?.type === 'workload') pods = podsOfWorkload(a, t.workload);
      if (t?.type === 'pod-object') pods = podsOfWorkload(a, t.object);
      if (pods.length === 0) {
        const w = [...a.cluster.workloads, ...a.cluster.pods.filter((x) => !x.workload)].find(
          (x) => x.meta.span.file === file,
        );
        if (w) pods = podsOfWorkload(a, w);
      }
    }
  }
  if (pods.length === 0)
    return {
      ok: false,
      content: '',
      message: 'No workload here: put the cursor in a Deployment, StatefulSet, DaemonSet or Pod.',
    };
  const { plan, content } = leastPrivilegePolicy(a, pods, p.flavor ?? session.editor.generatedPolicyKind);
  // Confirm: with the new policy added, no inferred dependency is blocked and no allow-intent fails that did not before.
  const after = session.workspace.analysisWith(
    new SourceFile('least-privilege.yaml', content, 'untitled:least-privilege.yaml'),
  );
  const broken = leastPrivilegeCheck(a, after);
  const rules = (plan.ingress?.length ?? 0) + (plan.egress?.length ?? 0);
  const message = broken.length
    ? `The generated policy would break ${plural(broken.length, 'thing')} ${plan.owner} needs: ${broken.slice(0, 3).join(', ')}${broken.length > 3 ? ', …' : ''}. Review it.`
    : `Checked: with this policy (${plural(rules, 'rule')}), every inferred dependency and allow-intent of ${plan.owner} still holds.`;
  return { ok: true, content, message };
}

export const commandsFeature: Feature = {
  capabilities: { executeCommandProvider: { commands: [...SERVER_COMMAND_IDS] } },
  register(session) {
    session.connection.onExecuteCommand(async ({ command, arguments: args }) => {
      const p = (args?.[0] ?? {}) as never;
      if (!(SERVER_COMMAND_IDS as readonly string[]).includes(command)) return null;
      const s = await session.snapshotFor();
      switch (command) {
        case ServerCommands.explain:
          return explainMarkdown(s.analysis, p);
        case ServerCommands.endpoints:
          return endpointChoices(s.analysis);
        case ServerCommands.defaultDeny:
          return defaultDeny(s, p);
        case ServerCommands.leastPrivilege:
          return leastPrivilege(session, s, p);
      }
      return null;
    });
  },
};
