/**
 * internet-egress-without-except: an egress allow to `0.0.0.0/0` or `::/0`
 * (a Kubernetes ipBlock or Calico `nets`) whose `except` (`notNets`) leaves in
 * the cloud metadata address (the node's cloud credentials), the pod network
 * (a back door to every pod, past the selectors) or the Service network. The
 * fix adds the missing entries, in the list's own style.
 */
import type { Fix, TextEdit } from '../../common/finding';
import type { FindingSink } from '../../common/finding-sink';
import { type Cidr, cidrCovers, type IpFamily, isCidr, parseCidr } from '../../common/ip';
import type { RuleId } from '../../common/rule-registry';
import { type Located, span } from '../../common/source';
import { quoteList } from '../../common/text';
import { METADATA_ADDRESSES, podNetworks, serviceNetworks } from '../../engine/address-classes';
import type { Analysis } from '../../engine/analysis';
import type { CalicoPolicy } from '../../model/calico/calico-resources';
import type { KubeNetworkPolicy } from '../../model/kubernetes';
import { columnOf, insertKeysBefore } from '../edits';
import type { LintContext, LintRule } from '../lint-rule';

const ID: RuleId = 'internet-egress-without-except';

export const internetEgressWithoutExcept: LintRule = { id: ID, check };

interface Missing {
  readonly cidr: Cidr;
  readonly what: string;
}

/** The ranges a rule to everywhere of `family` should leave out, and which of them `except` does not. */
function missingExcepts(a: Analysis, family: IpFamily, except: readonly Cidr[]): Missing[] {
  const wanted: Missing[] = [
    ...METADATA_ADDRESSES.filter((c) => c.family === family).map((cidr) => ({
      cidr,
      what: `the cloud metadata address ${cidr.text.replace(/\/(32|128)$/, '')}`,
    })),
    ...podNetworks(a)
      .filter((c) => c.family === family)
      .map((cidr) => ({ cidr, what: `the pod network ${cidr.text}` })),
    ...serviceNetworks(a)
      .filter((c) => c.family === family)
      .map((cidr) => ({ cidr, what: `the Service network ${cidr.text}` })),
  ];
  return wanted.filter((w) => !except.some((e) => cidrCovers(e, w.cidr)));
}

function everywhere(text: string): Cidr | undefined {
  const c = parseCidr(text);
  return isCidr(c) && c.prefix === 0 ? c : undefined;
}

function cidrs(list: readonly Located<string>[]): Cidr[] {
  return list.map((x) => parseCidr(x.value)).filter(isCidr);
}

function check({ analysis: a }: LintContext, sink: FindingSink): void {
  for (const np of a.cluster.networkPolicies) if (np.valid) checkKube(a, np, sink);
  for (const p of a.cluster.calico.policies) if (p.readValid && !p.staged) checkCalico(a, p, sink);
}

function message(where: string, cidr: Cidr, missing: readonly Missing[], field: string): string {
  return `${where} allows egress to ${cidr.text} including ${quoteList(
    missing.map((m) => m.what),
    5,
  )}: pods could read the node's cloud credentials or reach pods and Services past the selectors. Add ${missing.length > 1 ? 'them' : 'it'} to \`${field}\`.`;
}

function checkKube(a: Analysis, np: KubeNetworkPolicy, sink: FindingSink): void {
  for (const rule of np.egress ?? []) {
    for (const peer of rule.peers ?? []) {
      const block = peer.ipBlock;
      const cidr = block && everywhere(block.cidr.value);
      if (!block || !cidr) continue;
      const missing = missingExcepts(a, cidr.family, cidrs(block.except));
      if (missing.length === 0) continue;
      const edit = block.except.length ? appendToList(block.except, missing) : addExceptKey(block.cidr, missing);
      const fixes: Fix[] = edit
        ? [
            {
              title: `Add ${quoteList(
                missing.map((m) => m.cidr.text),
                5,
              )} to except`,
              edits: [edit],
              preferred: true,
            },
          ]
        : [];
      sink.report(
        ID,
        'warning',
        message(`NetworkPolicy ${np.meta.namespace}/${np.meta.name}, egress[${rule.index}]`, cidr, missing, 'except'),
        block.cidr.span,
        { fixes },
      );
    }
  }
}

function checkCalico(a: Analysis, p: CalicoPolicy, sink: FindingSink): void {
  for (const rule of p.egress?.items ?? []) {
    if (rule.action?.value !== 'Allow') continue;
    const nets = rule.destination.nets;
    if (!nets) continue;
    const notNets = cidrs(rule.destination.notNets?.items ?? []);
    for (const net of nets.items) {
      const cidr = everywhere(net.value);
      if (!cidr) continue;
      const missing = missingExcepts(a, cidr.family, notNets);
      if (missing.length === 0) continue;
      const existing = rule.destination.notNets;
      let edit: TextEdit | undefined;
      if (existing?.items.length) edit = appendToList(existing.items, missing);
      else if (!existing) {
        const list = missing.map((m) => m.cidr.text);
        edit = insertKeysBefore(nets.keySpan, ['notNets:', ...list.map((c) => `- ${c}`)]) ?? {
          span: span(nets.keySpan.file, nets.keySpan.start, nets.keySpan.start),
          newText: `notNets: [${list.join(', ')}], `,
        };
      }
      const fixes: Fix[] = edit
        ? [
            {
              title: `Add ${quoteList(
                missing.map((m) => m.cidr.text),
                5,
              )} to notNets`,
              edits: [edit],
              preferred: true,
            },
          ]
        : [];
      const kind = p.kind === 'NetworkPolicy' ? 'Calico NetworkPolicy' : p.kind;
      const name = `${kind} ${p.meta.namespace && !p.global ? `${p.meta.namespace}/` : ''}${p.meta.name}`;
      sink.report(ID, 'warning', message(`${name}, egress[${rule.index}]`, cidr, missing, 'notNets'), net.span, {
        fixes,
      });
    }
  }
}

/** Appends CIDRs after the last item of a list, as block items or flow entries like the list's. */
function appendToList(items: readonly Located<string>[], missing: readonly Missing[]): TextEdit {
  const last = items[items.length - 1];
  const file = last.span.file;
  const col = columnOf(last.span);
  const lineStart = last.span.start - col;
  const before = file.text.slice(lineStart, last.span.start);
  const dash = /^(\s*)-\s+$/.exec(before);
  const at = span(file, last.span.end, last.span.end);
  if (dash) return { span: at, newText: missing.map((m) => `\n${dash[1]}- ${m.cidr.text}`).join('') };
  return { span: at, newText: missing.map((m) => `, ${m.cidr.text}`).join('') };
}

/** Adds `except:` after an ipBlock's cidr: a block key on the next line, or a flow entry. */
function addExceptKey(cidr: Located<string>, missing: readonly Missing[]): TextEdit | undefined {
  const file = cidr.span.file;
  const key = file.text.lastIndexOf('cidr', cidr.span.start);
  if (key < 0) return undefined;
  const keySpan = span(file, key, key);
  const col = columnOf(keySpan);
  const before = file.text.slice(key - col, key);
  const at = span(file, cidr.span.end, cidr.span.end);
  const list = missing.map((m) => m.cidr.text);
  if (/^[\s-]*$/.test(before)) {
    const indent = ' '.repeat(col);
    return { span: at, newText: `\n${indent}except:\n${list.map((c) => `${indent}- ${c}`).join('\n')}` };
  }
  return { span: at, newText: `, except: [${list.join(', ')}]` };
}
