/** The README's list of rules is generated from the registry and cannot drift. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RULE_IDS, ruleInfo } from '../../server/src/common/rule-registry';
import { README, rulesSection, withRulesSection } from '../../scripts/rules-readme';

describe('README: the list of rules', () => {
  it('lists every rule of the registry, with its default severity and its page', () => {
    const section = rulesSection();
    for (const id of RULE_IDS)
      assert.ok(
        section.includes(`- [\`${id}\`](docs/rules/${id}.md) (${ruleInfo(id).severity}): `),
        `${id} is missing (its family has no heading in scripts/rules-readme.ts?)`,
      );
  });

  it('is up to date in README.md (run `npm run rules-readme` after changing the registry)', () => {
    const text = readFileSync(README, 'utf8');
    const expected = withRulesSection(text);
    assert.ok(expected, 'README.md has the rules:start and rules:end markers');
    assert.equal(text, expected, 'README.md lists other rules than the registry: run `npm run rules-readme`');
  });
});
