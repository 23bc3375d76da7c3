/**
 * The language server's incremental analysis (engine/analysis-cache.ts) must be invisible: after
 * any sequence of edits (pods, workloads, namespaces, nodes, Services, policies, net-conf.json,
 * comments that move everything below them, files added and deleted), its analysis gives the
 * findings, endpoint classes, addresses and verdicts that an analysis from scratch gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceFile } from '../../server/src/common/source';
import type { Analysis } from '../../server/src/engine/analysis';
import { analyzeSources } from '../../server/src/engine/analysis';
import { AnalysisCache } from '../../server/src/engine/analysis-cache';
import { runLint } from '../../server/src/lint';
import { type ParsedFile, parseFile } from '../../server/src/yaml/parse-yaml';
import { deployment, docs, namespace, node, pod, policy } from '../manifests';
import { prng } from '../reliability/fuzz-cases';

const NAMESPACES = ['shop', 'bank', 'ops'];
const APPS = ['web', 'api', 'db'];
const TIERS = ['front', 'back'];
const TEAMS = ['red', 'blue'];

class Generator {
  private n = 0;
  constructor(readonly next: () => number) {}

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }

  private name(prefix: string): string {
    return `${prefix}-${this.n++}`;
  }

  private labels(): Record<string, string> {
    const labels: Record<string, string> = { app: this.pick(APPS) };
    if (this.next() < 0.6) labels.tier = this.pick(TIERS);
    return labels;
  }

  private selector(): string {
    const r = this.next();
    if (r < 0.25) return '{}';
    if (r < 0.8) return `{matchLabels: {app: ${this.pick(APPS)}}}`;
    return `{matchExpressions: [{key: tier, operator: In, values: [${this.pick(TIERS)}]}]}`;
  }

  private peer(): string {
    const r = this.next();
    if (r < 0.4) return `{podSelector: ${this.selector()}}`;
    if (r < 0.7)
      return `{namespaceSelector: {matchLabels: {team: ${this.pick(TEAMS)}}}, podSelector: ${this.selector()}}`;
    if (r < 0.85) return `{ipBlock: {cidr: 10.${this.pick(['0', '244', '100'])}.0.0/16}}`;
    return '{namespaceSelector: {}}';
  }

  private port(): string {
    return this.pick(['{port: http}', '{port: 80}', '{port: 5432}', '{protocol: UDP, port: 53}']);
  }

  document(): string {
    const ns = this.pick(NAMESPACES);
    const r = this.next();
    if (r < 0.2)
      return pod(`${ns}/${this.name('pod')}`, {
        labels: this.labels(),
        node: this.next() < 0.3 ? this.pick(['node-1', 'node-2']) : undefined,
        ports: this.next() < 0.5 ? [{ name: 'http', port: 80 }] : [{ name: 'pg', port: 5432 }],
      });
    if (r < 0.3) return deployment(`${ns}/${this.name('deploy')}`, 1 + Math.floor(this.next() * 3));
    if (r < 0.4) return namespace(ns, { team: this.pick(TEAMS) });
    if (r < 0.45) return node(this.pick(['node-1', 'node-2', 'node-3']));
    if (r < 0.5)
      return `apiVersion: v1\nkind: Service\nmetadata: {name: ${this.pick(APPS)}, namespace: ${ns}}\nspec:\n  selector: {app: ${this.pick(APPS)}}\n  ports: [{port: 80, targetPort: http}]\n`;
    if (r < 0.65)
      return `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: ${this.name('cnp')}, namespace: ${ns}}\nspec:\n  selector: app == '${this.pick(APPS)}'\n  types: [Ingress]\n  ingress:\n  - action: ${this.pick(['Allow', 'Deny'])}\n    source: {selector: tier == '${this.pick(TIERS)}'}\n`;
    const types = this.pick(['[Ingress]', '[Egress]', '[Ingress, Egress]']);
    return policy(
      `${ns}/${this.pick(['allow', 'deny', 'p1', 'p2'])}`,
      `podSelector: ${this.selector()}\npolicyTypes: ${types}\ningress: [{from: [${this.peer()}], ports: [${this.port()}]}]\negress: [{to: [${this.peer()}]}]`,
    );
  }

  file(): string {
    const count = 1 + Math.floor(this.next() * 3);
    return docs(...Array.from({ length: count }, () => this.document()));
  }

  netConf(): string {
    return JSON.stringify({ Network: this.pick(['10.244.0.0/16', '10.100.0.0/16']), Backend: { Type: 'vxlan' } });
  }
}

/** The edits a session makes: each returns what it did, for the failure message. */
function edit(files: Map<string, string>, g: Generator): string {
  const paths = [...files.keys()].filter((p) => p.endsWith('.yaml'));
  const some = () => g.pick(paths);
  const r = g.next();
  if (r < 0.3 && paths.length) {
    // One document of a file replaced.
    const path = some();
    const parts = files.get(path)!.split('---\n');
    parts[Math.floor(g.next() * parts.length)] = g.document();
    files.set(path, parts.join('---\n'));
    return `replace a document of ${path}`;
  }
  if (r < 0.45 && paths.length) {
    const path = some();
    files.set(path, `${files.get(path)!}---\n${g.document()}`);
    return `add a document to ${path}`;
  }
  if (r < 0.55 && paths.length) {
    // A comment above everything: every span of the file moves, nothing else changes.
    const path = some();
    files.set(path, `# edited\n${files.get(path)!}`);
    return `comment at the top of ${path}`;
  }
  if (r < 0.65) {
    const path = `f${Math.floor(g.next() * 8)}.yaml`;
    files.set(path, g.file());
    return `write ${path}`;
  }
  if (r < 0.75 && paths.length > 1) {
    const path = some();
    files.delete(path);
    return `delete ${path}`;
  }
  if (r < 0.85) {
    if (files.has('net-conf.json') && g.next() < 0.4) {
      files.delete('net-conf.json');
      return 'delete net-conf.json';
    }
    files.set('net-conf.json', g.netConf());
    return 'write net-conf.json';
  }
  return 'nothing (analyse again)';
}

/** What a user can see of an analysis: findings, classes, addresses and verdicts. */
function observed(a: Analysis): unknown {
  const findings = runLint(a).findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    at: `${f.span.file.path}:${f.span.start}-${f.span.end}`,
    related: f.related?.map((r) => `${r.span.file.path}:${r.span.start}-${r.span.end} ${r.message}`),
    fixes: f.fixes?.map((x) => JSON.stringify(x, (k, v) => (k === 'file' ? v.path : v))),
  }));
  const classes = a.engine.classes.map((c) => c.members.map((i) => a.endpoints[i].id).join(','));
  const addresses = a.endpoints.map((e) => `${e.id} ${e.ips.map((ip) => ip.text).join(',')} ${e.node ?? ''}`);
  const verdicts: string[] = [];
  for (let i = 0; i < a.endpoints.length; i++)
    for (let j = 0; j < a.endpoints.length; j++)
      for (const port of [80, 5432]) verdicts.push(a.engine.allowed(i, j, 'TCP', port) ? '1' : '0');
  return { findings, classes, addresses, verdicts: verdicts.join('') };
}

describe('engine: the incremental analysis equals an analysis from scratch', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`after random edits (seed ${seed})`, () => {
      const g = new Generator(prng(seed));
      const files = new Map<string, string>();
      for (let i = 0; i < 3; i++) files.set(`f${i}.yaml`, g.file());
      const cache = new AnalysisCache();
      // The language server keeps a file's parse while its text stays the same.
      const parses = new Map<string, ParsedFile>();
      const done: string[] = [];
      for (let step = 0; step < 12; step++) {
        if (step > 0) done.push(edit(files, g));
        const paths = [...files.keys()].sort();
        for (const p of [...parses.keys()]) if (files.get(p) !== parses.get(p)!.file.text) parses.delete(p);
        const parsed = paths.map((p) => {
          let pf = parses.get(p);
          if (!pf) {
            pf = parseFile(new SourceFile(p, files.get(p)!));
            parses.set(p, pf);
          }
          return pf;
        });
        const incremental = observed(cache.analyze(parsed));
        const scratch = observed(analyzeSources(paths.map((p) => new SourceFile(p, files.get(p)!))));
        assert.deepEqual(incremental, scratch, `after: ${done.join('; ') || 'the first analysis'}`);
      }
      assert.ok(cache.stats.filesRead < cache.stats.analyses * files.size, 'unchanged files were not read again');
    });
  }

  it('keeps the endpoints and reads only the edited file when a policy changes', () => {
    const workloads = docs(namespace('shop'), pod('shop/web'), pod('shop/db', { labels: { app: 'db' } }));
    const rule = (app: string) =>
      policy(
        'shop/p',
        `podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: ${app}}}}]}]`,
      );
    const w = parseFile(new SourceFile('w.yaml', workloads));
    const cache = new AnalysisCache();
    const first = cache.analyze([parseFile(new SourceFile('p.yaml', rule('web'))), w]);
    const second = cache.analyze([parseFile(new SourceFile('p.yaml', rule('api'))), w]);
    assert.equal(cache.stats.filesRead, 3, 'the workloads file is read once');
    assert.equal(cache.stats.endpointRuns, 1, 'addresses and endpoints are kept');
    assert.equal(second.endpoints, first.endpoints);
    const web = second.engine.indexOf('shop/web')!;
    const db = second.engine.indexOf('shop/db')!;
    assert.equal(first.engine.allowed(web, db, 'TCP', 80), true);
    assert.equal(second.engine.allowed(web, db, 'TCP', 80), false, 'the edit is seen');
  });
});
