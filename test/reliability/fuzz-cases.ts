/**
 * The mutation fuzzer: hostile variants of real manifests (the shared
 * conformance cases and examples/), each analysed with a canary file beside it.
 * The oracle: nothing throws, no stage reports an internal failure
 * (`analysis-failed`, or a lint rule's internal error), and the canary pod is
 * still in the analysis (so the analysis ran). Time per case is measured by
 * the runner (fuzz-run.ts), which kills a case that passes its budget.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SourceFile } from '../../server/src/common/source';
import { analyzeSources } from '../../server/src/engine/analysis';
import { runLint } from '../../server/src/lint';
import { conformanceDir, ROOT } from '../helpers';
import { aliasBombPolicy, billionLaughsConfigMap, canaryPod, deepSelectorPolicy } from './hostile-inputs';

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.(ya?ml|json)$/.test(e.name) && statSync(p).size < 200_000) out.push(p);
  }
  return out.sort();
}

/** Helm chart templates as people write them: directives in values, whole lines and blocks. */
const HELM_SEEDS = [
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "app.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}
  {{- if .Values.networkPolicy.ingress }}
  ingress:
    {{- toYaml .Values.networkPolicy.ingress | nindent 4 }}
  {{- end }}
  policyTypes: [Ingress{{ if .Values.egress }}, Egress{{ end }}]
`,
  `{{- range $name, $port := .Values.services }}
---
apiVersion: v1
kind: Service
metadata: {name: "{{ $name }}", annotations: {note: "{{ $port | quote }}"}}
spec:
  selector: {app: {{ $name | quote }}}
  ports: [{port: {{ $port }}}]
{{- end }}
`,
];

/** kustomize: a kustomization, a strategic-merge patch that deletes, and a JSON 6902 patch. */
const KUSTOMIZE_SEEDS = [
  `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources: [../base, policy.yaml]
patches:
- path: allow-web.yaml
- target: {kind: NetworkPolicy, name: db}
  patch: |-
    - op: replace
      path: /spec/ingress/0/from/0/podSelector/matchLabels/app
      value: web
`,
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  ingress:
  - $patch: replace
    from: [{podSelector: {matchLabels: {app: web}}}]
  egress:
    $patch: delete
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        $patch: delete
`,
  `- op: add
  path: /spec/ingress/-
  value: {from: [{namespaceSelector: {}}]}
- op: remove
  path: /spec/egress
`,
];

/** The seed corpus: every conformance case's manifests, every example file, Helm templates and kustomize patches. */
export function seedCorpus(): string[] {
  const dirs = [conformanceDir(''), join(ROOT, 'examples')];
  return [...dirs.flatMap(yamlFiles).map((f) => readFileSync(f, 'utf8')), ...HELM_SEEDS, ...KUSTOMIZE_SEEDS];
}

const VALUES = [
  '99999999999999999999999',
  '-1',
  '0',
  '1e309',
  '-0x10',
  '65536',
  '[]',
  '{}',
  'null',
  '~',
  'yes',
  '"10.0.0.0/33"',
  '"300.1.1.1"',
  '"fd00::/200"',
  '"1.2.3.4x"',
  '"\\e]0;x\\a\\e[31m"',
  '"é😀\\u202e"',
  '!!binary aGk=',
  '&a x',
  '*a',
  '*nope',
  '{{ .Values.x }}',
  '"{{ .Release.Name }}"',
  `"${'('.repeat(80)}a == 'b'${')'.repeat(80)}"`,
  `"has(${'x'.repeat(600)})"`,
  '"a in {}"',
  '"!!!!!!all()"',
  `[${'['.repeat(120)}${']'.repeat(120)}]`,
  '"\\u0000"',
  '|\n  block\n   text',
  '>-',
  '? complex',
];

const SNIPPETS = [
  '$patch: delete',
  'kind: Kustomization',
  '---',
  '...',
  '\t- tab',
  '- - - - - -',
  'replicas: 100000000',
  'status: {podIP: "10.0.0.1 x"}',
  'apiVersion: v1',
  '<<: *a',
  'metadata: {name: a, name: b}',
  '%YAML 1.1',
  '!!set {a, b}',
  '\uFFFD\uFFFD\u0001\u0002',
  '{{- if .Values.enabled }}',
  '{{- end }}',
  '{{ toYaml .Values.x | nindent 4 }}',
  'patchesStrategicMerge: [a.yaml]',
  '$setElementOrder/ports: [{port: 80}]',
  '$retainKeys: [a]',
];

/** One mutated file from a seed text. */
export function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  let lines = text.split('\n');
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rnd() * Math.max(1, lines.length));
    switch (Math.floor(rnd() * 12)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[i] ?? '');
        break;
      case 2: {
        const j = Math.floor(rnd() * lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        break;
      }
      case 3:
        lines[i] = (rnd() < 0.5 ? ' '.repeat(1 + Math.floor(rnd() * 3)) : '\t') + (lines[i] ?? '');
        break;
      case 4:
        lines[i] = (lines[i] ?? '').replace(/^(\s*)/, (m) => m.slice(Math.ceil(m.length / 2)));
        break;
      case 5:
      case 6:
        lines[i] = (lines[i] ?? '').replace(/(:\s+|-\s+)(.*)$/, (_, sep) => `${sep}${pick(VALUES)}`);
        break;
      case 7:
        lines.splice(i, 0, `${(lines[i] ?? '').match(/^\s*/)![0]}${pick(SNIPPETS)}`);
        break;
      case 8: {
        const at = Math.floor(rnd() * (lines[i] ?? '').length);
        const bytes = String.fromCharCode(
          ...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Math.floor(rnd() * 0x100)),
        );
        lines[i] = (lines[i] ?? '').slice(0, at) + bytes + (lines[i] ?? '').slice(at);
        break;
      }
      case 9:
        lines = lines.slice(0, i);
        break;
      case 10:
        lines.push(
          '---',
          pick([aliasBombPolicy(50, 50), billionLaughsConfigMap(), deepSelectorPolicy(100), 'a: &a [*a]']),
        );
        break;
      case 11: {
        const [a, b] = [i, Math.floor(rnd() * lines.length)].sort((x, y) => x - y);
        lines.splice(b, 0, ...lines.slice(a, Math.min(b, a + 20)));
        break;
      }
    }
  }
  return lines.join('\n');
}

/** Byte sequences that are not UTF-8: lone continuation and lead bytes, overlong forms, surrogates, 0xFF. */
const INVALID_UTF8 = [
  [0x80],
  [0xc3],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xff, 0xfe],
  [0xe2, 0x82],
];

/**
 * The bytes of a file from a mutated text: mostly the text as UTF-8; sometimes with invalid UTF-8
 * spliced in, a UTF-16 byte order mark, or a binary file (random bytes with NULs).
 */
export function toBytes(text: string, rnd: () => number): Uint8Array | string {
  const r = rnd();
  if (r < 0.75) return text;
  if (r < 0.92) {
    const bytes = [...Buffer.from(text, 'utf8')];
    for (let k = 0, n = 1 + Math.floor(rnd() * 5); k < n; k++)
      bytes.splice(Math.floor(rnd() * (bytes.length + 1)), 0, ...INVALID_UTF8[Math.floor(rnd() * INVALID_UTF8.length)]);
    return Uint8Array.from(bytes);
  }
  if (r < 0.95) return Uint8Array.from([0xff, 0xfe, ...Buffer.from(text, 'utf16le')]);
  return Uint8Array.from({ length: Math.floor(rnd() * 4096) }, () => (rnd() < 0.1 ? 0 : Math.floor(rnd() * 256)));
}

export interface CaseResult {
  readonly ok: boolean;
  readonly problem?: string;
}

/** Analyses one fuzz input beside the canary and checks the oracle (bytes are decoded as files are, see yaml/discover.ts). */
export function runCase(input: string | Uint8Array): CaseResult {
  try {
    let text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const a = analyzeSources([new SourceFile('fuzz.yaml', text), new SourceFile('zz-canary.yaml', canaryPod())]);
    const report = runLint(a);
    const internal = report.findings.find((f) => f.rule === 'analysis-failed' || /^Internal error/.test(f.message));
    if (internal) return { ok: false, problem: `internal failure: ${internal.message}` };
    if (a.engine.indexOf('canary/canary') === undefined)
      return { ok: false, problem: 'the canary pod is missing: the analysis did not run' };
    a.engine.matrix('TCP', 80, a.endpoints.map((_, i) => i).slice(0, 200));
    return { ok: true };
  } catch (e) {
    return { ok: false, problem: `threw ${(e as Error).stack ?? e}` };
  }
}
