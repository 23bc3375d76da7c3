/**
 * Each rule's documentation page, docs/rules/<id>.md, for SARIF rule metadata
 * and the editor's "more about this rule" link. The pages ship beside the
 * bundles (docs/ in the package), so they are read from disk: from the source
 * tree when running from source, from the package when bundled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleId } from '../common/rule-registry';

let docsDir: string | undefined | null = null;

/** The folder that holds the rule pages: docs/rules beside dist/ (bundled) or beside server/src (source). */
function ruleDocsDir(): string | undefined {
  if (docsDir === null) {
    const candidates = [join(__dirname, '..', 'docs', 'rules'), join(__dirname, '..', '..', '..', 'docs', 'rules')];
    docsDir = candidates.find((c) => existsSync(c));
  }
  return docsDir;
}

export function ruleDocPath(id: RuleId): string | undefined {
  const dir = ruleDocsDir();
  return dir ? join(dir, `${id}.md`) : undefined;
}

/** The rule's page as Markdown, or undefined when the pages are not installed. */
export function ruleDocMarkdown(id: RuleId): string | undefined {
  const path = ruleDocPath(id);
  try {
    return path ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** The page's "Why it matters" section as plain text (SARIF fullDescription). */
export function ruleDescription(id: RuleId): string | undefined {
  const md = ruleDocMarkdown(id);
  const m = md && /^## Why it matters\s*\n([\s\S]*?)(?=\n## |\s*$)/m.exec(md);
  return m ? m[1].trim().replace(/\s*\n\s*/g, ' ') : undefined;
}
