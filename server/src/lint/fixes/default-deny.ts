/**
 * The "add a default-deny" fix, shared by missing-default-deny and
 * legacy-isolation-annotation: a NetworkPolicy selecting every pod of a
 * namespace with the given policyTypes and no rules but DNS (a default-deny for
 * egress allows UDP and TCP 53 to kube-system's DNS pods, the rule dns-blocked's
 * fix adds, or name lookups would fail), appended as a new
 * document to a file that already holds the namespace's policies, or written
 * to a new file beside the namespace's manifests when there is none.
 */
import { basename, dirname, join } from 'node:path';
import type { Fix } from '../../common/finding';
import { span, type SourceFile } from '../../common/source';
import type { Analysis } from '../../engine/analysis';
import type { Cluster } from '../../model/cluster';
import { dnsEgressRule } from './dns-rule';

export type DenyDirection = 'Ingress' | 'Egress';

/** A policy name for the default-deny that no NetworkPolicy of the namespace has yet. */
function defaultDenyName(cluster: Cluster, namespace: string, directions: readonly DenyDirection[]): string {
  const base = `default-deny-${directions.length === 2 ? 'all' : directions[0].toLowerCase()}`;
  const taken = new Set(cluster.networkPolicies.filter((p) => p.meta.namespace === namespace).map((p) => p.meta.name));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** The default-deny document (block style, as kubectl writes it), ending in a newline. */
export function defaultDenyDocument(
  a: Analysis,
  name: string,
  namespace: string,
  directions: readonly DenyDirection[],
): string {
  const what = directions.length === 2 ? 'ingress and egress' : directions[0].toLowerCase();
  const egress = directions.includes('Egress');
  return [
    `# Denies all ${what} of the pods in ${namespace} that no other policy allows${egress ? ', but DNS' : ''}.`,
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  podSelector: {}',
    '  policyTypes:',
    ...directions.map((d) => `  - ${d}`),
    ...(egress ? ['  egress:', ...dnsEgressRule(a, namespace).map((l) => `  ${l}`)] : []),
    '',
  ].join('\n');
}

/**
 * The fix: into `file` (a new document at its end) when given, else a new
 * file `<namespace>-<name>.yaml` beside `sibling`.
 */
export function defaultDenyFix(
  a: Analysis,
  namespace: string,
  directions: readonly DenyDirection[],
  where: { readonly file: SourceFile } | { readonly sibling: SourceFile },
): Fix {
  const name = defaultDenyName(a.cluster, namespace, directions);
  const doc = defaultDenyDocument(a, name, namespace, directions);
  const title = `Add NetworkPolicy ${namespace}/${name} (deny ${directions.join(' and ').toLowerCase()} by default${directions.includes('Egress') ? ', allow DNS' : ''})`;
  if ('file' in where) {
    const { file } = where;
    const text = file.text;
    const end = text.length;
    const trimmed = text.replace(/\s+$/, '');
    const separator = trimmed === '' ? '' : /(^|\n)---$/.test(trimmed) ? '' : '---\n';
    const newline = text === '' || text.endsWith('\n') ? '' : '\n';
    return { title, edits: [{ span: span(file, end, end), newText: `${newline}${separator}${doc}` }], preferred: true };
  }
  const dir = dirname(where.sibling.path);
  const fileName = `${namespace}-${name}.yaml`;
  const path = join(dir, fileName);
  const siblingUri = where.sibling.uri;
  const uri = siblingUri
    ? `${siblingUri.slice(0, siblingUri.lastIndexOf('/') + 1)}${encodeURIComponent(fileName)}`
    : undefined;
  return {
    title: `${title} in a new file ${basename(path)}`,
    edits: [],
    createFiles: [{ path, ...(uri ? { uri } : {}), text: doc }],
    preferred: true,
  };
}
