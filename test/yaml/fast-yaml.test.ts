/**
 * The fast YAML reader (server/src/yaml/fast-yaml.ts) against the `yaml` package: on every
 * text it either declines or returns exactly the package's documents (node classes, values,
 * styles, anchors, ranges; see yaml-equivalence.ts). Hand-written cases for the places where
 * the package's ranges are subtle, every manifest of examples/ and test/fixtures/, and a
 * seeded property test on generated block-style YAML (comments at every indentation, blank
 * lines, CRLF, anchors, flow collections, quoted and block scalars) and mutations of it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isMap, isScalar, isSeq } from 'yaml';
import { SourceFile } from '../../server/src/common/source';
import { fastParseAllDocuments, fastRead, MAX_DEPTH } from '../../server/src/yaml/fast-yaml';
import { documentStarts, tooDeepAt } from '../../server/src/yaml/text-scan';
import { parseFile, yamlReader } from '../../server/src/yaml/parse-yaml';
import { fastDocuments, packageDocuments } from './yaml-equivalence';

const SEED = 2026;

/** Fast equals package, or the fast reader declined. Returns whether it accepted. */
function agrees(text: string): boolean {
  const read = fastRead(text);
  if (read === undefined) return false;
  assert.deepStrictEqual(fastDocuments(text), packageDocuments(text), `fast reader differs on ${JSON.stringify(text)}`);
  // parse-yaml.ts skips text-scan.ts's nesting check when this bound is under its limit.
  const starts = documentStarts(text);
  starts.forEach((s, k) => {
    const e = k + 1 < starts.length ? starts[k + 1] : text.length;
    const at = tooDeepAt(text, s, e, read.nestingBound);
    assert.equal(at, undefined, `the scan counts deeper than ${read.nestingBound} in ${JSON.stringify(text)}`);
  });
  return true;
}

function accepted(text: string): void {
  assert.ok(agrees(text), `the fast reader declined ${JSON.stringify(text)}`);
}

function declined(text: string): void {
  assert.equal(fastParseAllDocuments(text), undefined, `the fast reader accepted ${JSON.stringify(text)}`);
}

describe('yaml stage: the fast reader', () => {
  it('reads the common subset exactly as the package does', () => {
    for (const text of [
      'a: 1\nb:\n  c: x  # com\n  d:\n  - p\n  -\n  - q\n\n# tail\n---\n---\n',
      // Brackets in later documents only, and between documents: each document's own count.
      'a: 1\n---\nb: x\n---\nc: [[1], {d: [2]}]\n---\ne: {f: [[[3]]]}\n---\ng: h\n',
      '# head\n\n---\na: [1, "x", {b: c}]   # c\nk: &an\n  - *an\n---\nz: y',
      "a: |\n  l1\n   l2\n\n  l3\nb: >-\n  f1\n  f2\n\n  f3\nc: \"q\\tx\\u00e9\"\nd: 'it''s'\n",
      'a: 1\r\nb:\r\n- x\r\n- "y"\r\nc: |-\r\n  x\r\n  y\r\n\r\n',
      'a: |\n  x\n\n\nb: |+\n  y\n\n\nc: [1 , 2 ]\nd: &q foo\ne: >\n  z\n\n',
      'a: |\n  x',
      '---\n\n---\na: 1',
      'n: ~\nb: true\nB: False\ni: -12\nh: 0x1F\no: 0o17\nf: 1.50\ne: 1e3\ninf: -.inf\nnan: .NaN\ns: 1.2.3\nnull: null\n1: one\n',
      'image: nginx:1.25\nurl: http://a.b/c#frag\nk: a#b\n"quoted key": 1\n\'single\': 2\n',
      '- name: web\n  ports:\n  - 80\n  - {port: 443, name: "https"}\n- - a\n  - b\n- []\n- {}\n',
      'metadata:\n  labels:\n    app: web\n  # commented: out\nspec: {}\n',
      'a:\n  b: 1\n    # deeper\n\n    # deeper still\n  # at the map\nc: 2\n',
      'a:\n  b:\n    c: 1\n    # x\n  # y\nd: 2\n',
      'a:\n  b: 1\n # between\nd: 2\n',
      'k:\n  - a\n  # c\n\n',
      'a:\n\n\nb: 1\n',
      'a:\n  b:\n',
      'x: &anchor\n  a: 1\ny: *anchor\nz: &s scalar\nw: *s\n',
      // Every escape of a double-quoted scalar, the tab after the backslash included.
      'e: "\\0\\a\\b\\t\\\t\\n\\v\\f\\r\\e\\ \\"\\/\\\\\\N\\_\\L\\P\\x41\\u00e9\\U0001F600."\n',
    ])
      accepted(text);
  });

  it('declines what it does not handle, so the package reports it', () => {
    for (const text of [
      'a: 1\n  b: 2\n', // bad indentation
      'a: b: c\n',
      'key: [1, 2\nother: 3\n',
      'a:\tb\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: !!str 1\n',
      '? a\n: b\n',
      'a: multi\n  line\n',
      'a: "multi\n  line"\n',
      'a: 1\n...\n',
      'a: |2\n   x\n',
      'plain scalar document\n',
      'a: *unknown:\n',
      'a:\n  # only a comment\nb: 1\n',
      '\ufeffa: 1\n',
      'a: 1\rb: 2\n',
      'a: 1\na: 2\n'.replace('a: 2', '- 2'),
    ])
      declined(text);
  });

  it('agrees with the package on every manifest of examples/ and test/fixtures/', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ya?ml|json)$/.test(e.name)) files.push(p);
      }
    };
    walk('examples');
    walk('test/fixtures');
    let yamlAccepted = 0;
    let yamlFiles = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const ok = agrees(text);
      if (/\.ya?ml$/.test(f) && !text.includes('{{')) {
        yamlFiles++;
        if (ok) yamlAccepted++;
      }
    }
    // The point of the fast reader: manifests as people write them take the fast path.
    assert.ok(yamlFiles > 20, `${yamlFiles} YAML files`);
    assert.equal(yamlAccepted, yamlFiles, `${yamlFiles - yamlAccepted} YAML files declined`);
  });

  it(`declines documents nested deeper than ${MAX_DEPTH} levels; the package reads them after the nesting check`, () => {
    const nested = (levels: number) =>
      Array.from({ length: levels }, (_, i) => `${' '.repeat(2 * i)}k${i}:\n`).join('') +
      `${' '.repeat(2 * levels)}leaf\n`;
    accepted(nested(MAX_DEPTH));
    declined(nested(MAX_DEPTH + 1));
    declined(`a: ${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}\n`);
    const p = parseFile(new SourceFile('f.yaml', nested(MAX_DEPTH + 5)));
    assert.deepEqual(p.findings, []);
    assert.equal(p.documents[0].usable, true);
    // Thousands of levels: the reader declines early, the scan finds the limit, nothing overflows.
    const deep = parseFile(new SourceFile('f.yaml', `a: ${'['.repeat(100_000)}\n`));
    assert.equal(deep.findings[0].rule, 'limit-exceeded');
  });

  it('builds nodes the readers recognise (isMap, isSeq, isScalar)', () => {
    const [doc] = fastParseAllDocuments('a:\n- 1\n') ?? [];
    assert.ok(doc && isMap(doc.contents));
    const pair = doc.contents.items[0];
    assert.ok(isScalar(pair.key) && isSeq(pair.value));
  });

  it('is what parseFile uses, and NETPOL_YAML_READER=package gives the same documents', () => {
    const text = 'kind: A\nmetadata:\n  name: a # c\n---\nkind: B\n';
    const fast = parseFile(new SourceFile('f.yaml', text));
    yamlReader.mode = 'package';
    try {
      const pkg = parseFile(new SourceFile('f.yaml', text));
      assert.deepStrictEqual(
        fast.documents.map((d) => ({ ...d, doc: packageShape(d.doc) })),
        pkg.documents.map((d) => ({ ...d, doc: packageShape(d.doc) })),
      );
      assert.deepStrictEqual(fast.findings, pkg.findings);
    } finally {
      yamlReader.mode = 'fast';
    }
  });
});

function packageShape(doc: unknown): unknown {
  const d = doc as { range: unknown; contents: unknown };
  return JSON.parse(JSON.stringify({ range: d.range, contents: d.contents }));
}

// --- Generated YAML ------------------------------------------------------------------------

type Tree =
  | { t: 'scalar'; text: string }
  | { t: 'block'; header: string; lines: string[] }
  | { t: 'flow'; text: string }
  | { t: 'empty' }
  | { t: 'alias' }
  | { t: 'map'; entries: [string, Tree][]; anchor: boolean }
  | { t: 'seq'; items: Tree[]; anchor: boolean };

const plain = fc.constantFrom(
  'web',
  'a b',
  'nginx:1.25',
  'http://x.y/z#f',
  'a#b',
  '80',
  '-1',
  '+2',
  '0x1F',
  '0o17',
  '1.50',
  '1e3',
  '.inf',
  '.NaN',
  'true',
  'False',
  'null',
  '~',
  'yes',
  '10.0.0.0/8',
  '"dq"',
  '"esc\\t\\"\\u00e9\\\\"',
  "'it''s'",
  "''",
  '""',
  '{{ .Values.x }}',
  '-x',
  '?x',
  ':x',
  'é',
  '[a, "b", {c: d}]',
  '{k: v, n: 1}',
  '[]',
  '{}',
);
const keyText = fc.constantFrom('name', 'app', 'ports', 'spec', 'a', '"quoted"', "'single'", '1', 'null', 'x y', 'k');
const blockLine = fc.constantFrom('line', 'two words', '', '# not a comment', '  more', 'end: x');

const tree = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    plain.map((text): Tree => ({ t: 'scalar', text })),
    fc.constant<Tree>({ t: 'empty' }),
    fc.constant<Tree>({ t: 'alias' }),
    fc
      .tuple(fc.constantFrom('|', '|-', '|+', '>', '>-', '>+'), fc.array(blockLine, { minLength: 1, maxLength: 4 }))
      .map(([header, lines]): Tree => ({ t: 'block', header, lines })),
    fc
      .tuple(fc.array(fc.tuple(keyText, tie('node')), { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([entries, anchor]): Tree => ({ t: 'map', entries, anchor })),
    fc
      .tuple(fc.array(tie('node'), { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([items, anchor]): Tree => ({ t: 'seq', items, anchor })),
  ),
}));

/** Renders a tree in block style; `noise` decides comments, blank lines and indentation. */
function render(root: Tree, noise: number[]): string {
  let k = 0;
  const next = (n: number) => (noise.length ? noise[k++ % noise.length] % n : 0);
  const lines: string[] = [];
  let anchors = 0;
  const decorate = (indent: number) => {
    const r = next(8);
    if (r === 0) lines.push(`${' '.repeat(next(indent + 5))}# comment`);
    else if (r === 1) lines.push('');
  };
  const trailing = () => (next(5) === 0 ? ' # trailing' : '');
  const anchorText = (on: boolean) => (on && next(2) === 0 ? ` &a${anchors++}` : '');
  const inline = (node: Tree): string | undefined => {
    if (node.t === 'scalar') return node.text;
    if (node.t === 'flow') return node.text;
    if (node.t === 'empty') return '';
    if (node.t === 'alias') return anchors > 0 ? `*a${next(anchors)}` : 'noanchor';
    return undefined;
  };
  const value = (node: Tree, indent: number, head: string, compactSeq: boolean) => {
    const text = inline(node);
    if (text !== undefined) {
      lines.push(`${head}${text ? ` ${text}` : ''}${trailing()}`);
      return;
    }
    if (node.t === 'block') {
      lines.push(`${head} ${node.header}`);
      const pad = ' '.repeat(indent + 1 + next(3));
      node.lines.forEach((l, i) => {
        lines.push(l === '' ? '' : i === 0 ? `${pad}${l.trimStart()}` : `${pad}${l}`);
      });
      return;
    }
    lines.push(`${head}${anchorText(node.t === 'map' || node.t === 'seq')}${trailing()}`);
    if (node.t === 'map') block(node, indent + 1 + next(3));
    else if (node.t === 'seq') block(node, compactSeq && next(2) === 0 ? indent : indent + 1 + next(3));
  };
  const block = (node: Tree, indent: number) => {
    const pad = ' '.repeat(indent);
    if (node.t === 'map') {
      for (const [key, v] of node.entries) {
        decorate(indent);
        value(v, indent, `${pad}${key}:`, true);
      }
    } else if (node.t === 'seq') {
      for (const item of node.items) {
        decorate(indent);
        if (item.t === 'map' && next(2) === 0) {
          // `- key: value` with the map's other keys under it
          const [[k0, v0], ...rest] = item.entries;
          value(v0, indent + 2, `${pad}- ${k0}:`, true);
          for (const [key, v] of rest) {
            decorate(indent + 2);
            value(v, indent + 2, `${pad}  ${key}:`, true);
          }
        } else value(item, indent, `${pad}-`, false);
      }
    } else value(node, indent, `${pad}scalar:`, false);
  };
  block(root, next(2));
  return lines.map((l) => `${l}\n`).join('');
}

const documentText = fc
  .tuple(
    fc.array(fc.tuple(tree.node, fc.boolean()), { minLength: 1, maxLength: 3 }),
    fc.array(fc.nat(1000), { minLength: 1, maxLength: 40 }),
    fc.boolean(),
  )
  .map(([docs, noise, crlf]) => {
    const text = docs
      .map(
        ([t, marker], i) =>
          `${marker || i > 0 ? '---\n' : ''}${render(t.t === 'map' || t.t === 'seq' ? t : { t: 'map', entries: [['k', t]], anchor: false }, noise)}`,
      )
      .join('');
    return crlf ? text.replace(/\n/g, '\r\n') : text;
  });

/** Edits that break or bend YAML: characters the grammar cares about, inserted, deleted or replaced. */
const mutated = fc
  .tuple(
    documentText,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('ins', 'del', 'rep'),
        fc.constantFrom(
          ' ',
          '\n',
          '\t',
          '\r',
          '-',
          ':',
          '#',
          '"',
          "'",
          '|',
          '>',
          '&',
          '*',
          '[',
          ']',
          '{',
          '}',
          ',',
          '!',
          '?',
          '%',
          '\\',
          '---\n',
          '  ',
          'x',
        ),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [at, op, s] of edits) {
      const i = t.length ? at % t.length : 0;
      t =
        op === 'ins'
          ? t.slice(0, i) + s + t.slice(i)
          : op === 'del'
            ? t.slice(0, i) + t.slice(i + 1)
            : t.slice(0, i) + s + t.slice(i + 1);
    }
    return t;
  });

describe('yaml stage: the fast reader on generated YAML (fast-check)', () => {
  it('equals the package on generated block-style YAML, and accepts most of it', () => {
    let total = 0;
    let taken = 0;
    fc.assert(
      fc.property(documentText, (text) => {
        total++;
        if (agrees(text)) taken++;
      }),
      { seed: SEED, numRuns: 600, endOnFailure: true },
    );
    // Generated YAML is mostly the common subset: a fast path that declined it all would pass vacuously.
    assert.ok(taken > total / 3, `accepted ${taken} of ${total}`);
  });

  it('equals the package or declines on mutated YAML', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        agrees(text);
      }),
      { seed: SEED, numRuns: 1500, endOnFailure: true },
    );
  });
});
