/**
 * Completion from the workspace: label keys and values in matchLabels,
 * matchExpressions and Calico selector strings, namespace names, named ports
 * of the destination pods, Calico selector functions and operators, and
 * snippets for new policies and intents. The context is read from the line
 * text and indentation, since the document is often mid-edit and unparsable.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${1:…} is LSP snippet syntax, not a template.
import { type CompletionItem, CompletionItemKind, InsertTextFormat } from 'vscode-languageserver/node';
import type { Analysis } from '../engine/analysis';
import type { Feature } from './feature';

const SNIPPETS: readonly { label: string; detail: string; body: string }[] = [
  {
    label: 'NetworkPolicy',
    detail: 'Kubernetes NetworkPolicy',
    body: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${1:allow-frontend}\n  namespace: ${2:default}\nspec:\n  podSelector:\n    matchLabels:\n      ${3:app}: ${4:api}\n  policyTypes:\n  - Ingress\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          ${5:app}: ${6:frontend}\n    ports:\n    - protocol: TCP\n      port: ${7:8080}\n',
  },
  {
    label: 'NetworkPolicy default-deny',
    detail: 'deny all ingress and egress in a namespace',
    body: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ${1:default}\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n  - Egress\n',
  },
  {
    label: 'Calico NetworkPolicy',
    detail: 'projectcalico.org/v3 NetworkPolicy',
    body: "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: ${1:allow-frontend}\n  namespace: ${2:default}\nspec:\n  selector: ${3:app == 'api'}\n  types:\n  - Ingress\n  ingress:\n  - action: Allow\n    protocol: TCP\n    source:\n      selector: ${4:app == 'frontend'}\n    destination:\n      ports: [${5:8080}]\n",
  },
  {
    label: 'Calico GlobalNetworkPolicy',
    detail: 'projectcalico.org/v3 GlobalNetworkPolicy',
    body: 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: ${1:deny-metadata}\nspec:\n  order: ${2:100}\n  selector: ${3:all()}\n  types:\n  - Egress\n  egress:\n  - action: Deny\n    destination:\n      nets:\n      - 169.254.169.254/32\n  - action: Pass\n',
  },
  {
    label: 'NetworkIntent',
    detail: 'a reachability test (netpol.studio/v1alpha1)',
    body: 'apiVersion: netpol.studio/v1alpha1\nkind: NetworkIntent\nmetadata:\n  name: ${1:frontend-reaches-api}\n  namespace: ${2:default}\nspec:\n  from:\n    podSelector:\n      matchLabels:\n        ${3:app}: ${4:frontend}\n  to:\n    podSelector:\n      matchLabels:\n        ${5:app}: ${6:api}\n  ports:\n  - protocol: TCP\n    port: ${7:8080}\n  expect: ${8:allow}\n',
  },
];

const CALICO_FUNCTIONS = [
  'all()',
  'global()',
  'has(${1:key})',
  "${1:key} in {'${2:value}'}",
  "${1:key} not in {'${2:value}'}",
];
const CALICO_OPERATORS = ['==', '!=', '&&', '||', '!', 'in', 'not in', 'contains', 'starts with', 'ends with'];
const SELECTOR_KEY = /^(\s*-?\s*)(selector|notSelector|namespaceSelector|serviceAccountSelector)\s*:\s*(.*)$/;

interface Labelled {
  readonly pods: Map<string, Set<string>>;
  readonly namespaces: Map<string, Set<string>>;
}

function labelIndex(a: Analysis): Labelled {
  const pods = new Map<string, Set<string>>();
  const namespaces = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string, v: string) => {
    const s = m.get(k) ?? new Set<string>();
    s.add(v);
    m.set(k, s);
  };
  for (const e of a.endpoints) for (const [k, v] of Object.entries(e.labels)) add(pods, k, v);
  for (const n of a.cluster.namespaces.values()) for (const [k, v] of Object.entries(n.labels)) add(namespaces, k, v);
  return { pods, namespaces };
}

/** The keys of the enclosing YAML maps, innermost first (by indentation, on the lines above). */
function parents(lines: readonly string[], line: number, indent: number): string[] {
  const out: string[] = [];
  let current = indent;
  for (let i = line - 1; i >= 0 && current > 0; i--) {
    const m = /^(\s*)(-\s+)?([^\s:#][^:#]*?)\s*:/.exec(lines[i]);
    if (!m || lines[i].trim() === '') continue;
    const ind = m[1].length + (m[2] ? m[2].length : 0);
    if (ind < current) {
      out.push(m[3].trim());
      current = m[2] ? m[1].length : ind;
    }
  }
  return out;
}

const keyItems = (keys: Iterable<string>): CompletionItem[] =>
  [...keys].sort().map((k) => ({ label: k, kind: CompletionItemKind.Property }));
const valueItems = (values: Iterable<string> | undefined, detail: string): CompletionItem[] =>
  [...(values ?? [])].sort().map((v) => ({ label: v, kind: CompletionItemKind.Value, detail }));

export function completionsAt(a: Analysis, text: string, line: number, character: number): CompletionItem[] {
  const lines = text.split(/\r?\n/);
  const full = lines[line] ?? '';
  const before = full.slice(0, character);
  const labels = labelIndex(a);
  // A Calico selector string.
  const sel = SELECTOR_KEY.exec(before);
  if (sel) {
    const expr = sel[3].replace(/^["']/, '');
    const value =
      /([A-Za-z0-9_./-]+)\s*(==|!=)\s*["']?([^"']*)$/.exec(expr) ??
      /([A-Za-z0-9_./-]+)\s+(not\s+)?in\s*\{[^}]*["']([^"']*)$/.exec(expr);
    const nsSel = sel[2] === 'namespaceSelector';
    const source = nsSel ? labels.namespaces : labels.pods;
    if (value) return valueItems(source.get(value[1]), `value of ${value[1]}`);
    const keys = keyItems(source.keys());
    if (!nsSel)
      keys.push(
        ...keyItems([
          'projectcalico.org/namespace',
          'projectcalico.org/serviceaccount',
          'projectcalico.org/orchestrator',
        ]),
      );
    return [
      ...keys,
      ...CALICO_FUNCTIONS.map((f) => ({
        label: f.replace(/\$\{\d:([^}]*)\}/g, '$1'),
        kind: CompletionItemKind.Function,
        insertText: f,
        insertTextFormat: InsertTextFormat.Snippet,
      })),
      ...CALICO_OPERATORS.map((o) => ({ label: o, kind: CompletionItemKind.Operator })),
    ];
  }
  const indent = /^\s*/.exec(full)![0].length;
  const keyValue = /^\s*(-\s+)?([^\s:#][^:#]*?)\s*:\s*(\S*)$/.exec(before);
  const itemIndent = /^(\s*)-\s+/.exec(full);
  const effectiveIndent = itemIndent ? itemIndent[1].length + 2 : indent;
  const path = parents(lines, line, effectiveIndent);
  const inNamespaceSelector = path.includes('namespaceSelector');
  const source = inNamespaceSelector ? labels.namespaces : labels.pods;
  if (keyValue) {
    const key = keyValue[2];
    if (key === 'namespace')
      return [...a.cluster.namespaces.keys()].sort().map((n) => ({ label: n, kind: CompletionItemKind.Module }));
    if (path[0] === 'matchLabels') return valueItems(source.get(key), `value of ${key}`);
    if (key === 'key' && path[0] === 'matchExpressions') return keyItems(source.keys());
    if (key === 'port' && path.includes('ports')) {
      const names = new Map<string, Set<string>>();
      for (const e of a.endpoints)
        for (const [n, ks] of e.namedPorts) names.set(n, new Set([...(names.get(n) ?? []), ...ks]));
      return [...names.entries()]
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([n, ks]) => ({ label: n, kind: CompletionItemKind.EnumMember, detail: [...ks].sort().join(', ') }));
    }
  }
  if (path[0] === 'matchLabels' && !keyValue)
    return keyItems(source.keys()).map((i) => ({ ...i, insertText: `${i.label}: ` }));
  if (path[0] === 'values' && path[1] === 'matchExpressions') {
    for (let i = line - 1; i >= Math.max(0, line - 6); i--) {
      const k = /^\s*-?\s*key:\s*["']?([^"'\s]+)/.exec(lines[i]);
      if (k) return valueItems(source.get(k[1]), `value of ${k[1]}`);
    }
  }
  if (indent === 0 && full.trim() === before.trim()) {
    return SNIPPETS.map((s) => ({
      label: s.label,
      kind: CompletionItemKind.Snippet,
      detail: s.detail,
      insertText: s.body,
      insertTextFormat: InsertTextFormat.Snippet,
    }));
  }
  return [];
}

export const completionFeature: Feature = {
  capabilities: { completionProvider: { triggerCharacters: [':', ' ', "'", '"', '{'] } },
  register(session) {
    session.connection.onCompletion(async ({ textDocument, position }) => {
      // Completion reads the document's text as it is now; the analysis only supplies labels and names.
      const s = await session.latestSnapshot();
      const doc = session.documents.get(textDocument.uri);
      const text = doc?.getText() ?? s.files.get(textDocument.uri)?.text;
      if (text === undefined) return [];
      return completionsAt(s.analysis, text, position.line, position.character);
    });
  },
};
