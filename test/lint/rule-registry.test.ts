/**
 * The rule registry is complete and documented: every id a stage reports is
 * registered (the type checker guarantees it; this test also reads the
 * source, so an id built at run time cannot slip through), every registered
 * id is produced somewhere, and every id has its page in docs/rules/.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isRuleId, RULE_IDS, ruleInfo, ruleName } from '../../server/src/common/rule-registry';
import { LINT_RULES } from '../../server/src/lint';
import { ruleDescription, ruleDocPath } from '../../server/src/lint/rule-docs';
import { ROOT } from '../helpers';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Rule ids as reports and lint rules name them: `report('id'`, `id: 'id'`, `const ID: RuleId = 'id'`. */
function producedIds(): Set<string> {
  const ids = new Set<string>();
  const patterns = [
    /\.report\(\s*'([a-z0-9-]+)'/g,
    /\bid: '([a-z0-9-]+)'/g,
    /: RuleId = '([a-z0-9-]+)'/g,
    /invalid: '([a-z0-9-]+)'|unknown: '([a-z0-9-]+)'/g,
  ];
  for (const f of sources(join(ROOT, 'server', 'src'))) {
    if (f.endsWith('rule-registry.ts')) continue;
    const text = readFileSync(f, 'utf8');
    for (const p of patterns) for (const m of text.matchAll(p)) for (const g of m.slice(1)) if (g) ids.add(g);
  }
  return ids;
}

describe('lint: the rule registry', () => {
  it('registers every id the stages report, and every registered id is reported somewhere', () => {
    const produced = producedIds();
    assert.ok(produced.size >= 30, `found ${produced.size} ids`);
    assert.deepEqual(
      [...produced].filter((id) => !isRuleId(id)),
      [],
    );
    assert.deepEqual(
      RULE_IDS.filter((id) => !produced.has(id)),
      [],
    );
    for (const r of LINT_RULES) assert.ok(isRuleId(r.id), r.id);
  });

  it('documents every rule in docs/rules/<id>.md, with a title and why it matters', () => {
    for (const id of RULE_IDS) {
      const path = ruleDocPath(id);
      assert.ok(path && existsSync(path), `docs/rules/${id}.md is missing`);
      const md = readFileSync(path, 'utf8');
      assert.match(md, new RegExp(`^# ${id}\\n`), `${id}: the page starts with its id`);
      assert.ok((ruleDescription(id) ?? '').length > 40, `${id}: the page says why it matters`);
      assert.ok(ruleInfo(id).title.length > 10, id);
    }
    const pages = readdirSync(join(ROOT, 'docs', 'rules')).map((f) => f.replace(/\.md$/, ''));
    assert.deepEqual(
      pages.filter((p) => !isRuleId(p)),
      [],
      'pages for rules that do not exist',
    );
  });

  it('names each rule for SARIF differently from its id', () => {
    assert.equal(ruleName('selector-matches-nothing'), 'SelectorMatchesNothing');
    for (const id of RULE_IDS) assert.notEqual(ruleName(id).toLowerCase(), id.toLowerCase(), id);
  });
});
