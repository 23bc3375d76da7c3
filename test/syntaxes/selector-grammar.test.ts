/** The TextMate injection grammar that highlights Calico selectors inside YAML, tokenized the way VS Code does. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { type IGrammar, INITIAL, parseRawGrammar, Registry } from 'vscode-textmate';
import { ROOT } from '../helpers';

let grammar: IGrammar;

before(async () => {
  const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      if (scope === 'source.yaml')
        return parseRawGrammar(JSON.stringify({ scopeName: 'source.yaml', patterns: [] }), 'yaml.json');
      if (scope === 'netpol.calico-selector.injection')
        return parseRawGrammar(
          readFileSync(join(ROOT, 'syntaxes', 'calico-selector.injection.json'), 'utf8'),
          'injection.json',
        );
      return null;
    },
    getInjections: (scope) => (scope === 'source.yaml' ? ['netpol.calico-selector.injection'] : undefined),
  });
  grammar = (await registry.loadGrammar('source.yaml'))!;
});

/** `text → last scope` for each token of one line. */
function tokens(line: string): string[] {
  const r = grammar.tokenizeLine(line, INITIAL);
  return r.tokens
    .filter((t) => line.slice(t.startIndex, t.endIndex).trim() !== '')
    .map((t) => `${line.slice(t.startIndex, t.endIndex)} → ${t.scopes[t.scopes.length - 1]}`);
}

describe('syntaxes: Calico selector injection grammar', () => {
  it('is declared in package.json for YAML', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.grammars[0].injectTo, ['source.yaml']);
  });

  it('highlights operators, functions, literals and labels', () => {
    assert.deepEqual(tokens(`  selector: app == 'db' && !has(legacy) || tier in {"a", 'b'}`), [
      'selector → entity.name.tag.yaml',
      ': → punctuation.separator.key-value.mapping.yaml',
      'app → variable.other.label.calico-selector',
      '== → keyword.operator.calico-selector',
      "'db' → string.quoted.single.calico-selector",
      '&& → keyword.operator.calico-selector',
      '! → keyword.operator.calico-selector',
      'has → support.function.calico-selector',
      '( → punctuation.calico-selector',
      'legacy → variable.other.label.calico-selector',
      ') → punctuation.calico-selector',
      '|| → keyword.operator.calico-selector',
      'tier → variable.other.label.calico-selector',
      'in → keyword.operator.word.calico-selector',
      '{ → punctuation.calico-selector',
      '"a" → string.quoted.double.calico-selector',
      ', → punctuation.calico-selector',
      "'b' → string.quoted.single.calico-selector",
      '} → punctuation.calico-selector',
    ]);
  });

  it('handles quoted YAML strings, list items and multi-word operators', () => {
    const t = tokens(`    - namespaceSelector: "projectcalico.org/name not in {'kube-system'}"`);
    assert.ok(t.includes('namespaceSelector → entity.name.tag.yaml'));
    assert.ok(t.includes('not in → keyword.operator.word.calico-selector'));
    assert.ok(t.includes("'kube-system' → string.quoted.single.calico-selector"));
    assert.ok(t.includes('projectcalico.org/name → variable.other.label.calico-selector'));
    assert.ok(
      tokens('  serviceAccountSelector: role starts with "db"').includes(
        'starts with → keyword.operator.word.calico-selector',
      ),
    );
    // An unquoted leading `!` is a YAML tag, not negation: flagged so the user quotes it.
    assert.ok(tokens('  selector: !has(x)').includes('!has(x) → invalid.illegal.calico-selector.unquoted-bang'));
  });

  it('leaves Kubernetes label-selector maps and other keys alone', () => {
    assert.deepEqual(
      tokens('  namespaceSelector: {matchLabels: {a: b}}').filter((t) => t.includes('calico')),
      [],
    );
    assert.deepEqual(
      tokens('  podSelector: app == x').filter((t) => t.includes('calico')),
      [],
    );
    assert.deepEqual(
      tokens('  namespaceSelector:').filter((t) => t.includes('calico')),
      [],
    );
  });
});
