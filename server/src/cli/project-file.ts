/**
 * The project file for a CLI run: `--config FILE`, or the `.netpol.yaml` found
 * in the folder of the first PATH or a folder above it (up to the repository
 * root, the folder that holds `.git`), with `--rule ID=SEVERITY` overrides.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isRuleId, RULE_IDS } from '../common/rule-registry';
import { closest } from '../common/text';
import {
  defaultProjectConfig,
  PROJECT_CONFIG_FILE,
  type ProjectConfig,
  readProjectConfig,
  type RuleSetting,
} from '../lint/project-config';
import { readSourceFile } from '../yaml/discover';
import { UsageError } from './args';

const SETTINGS: readonly RuleSetting[] = ['off', 'hint', 'info', 'warning', 'error'];

export function findProjectFile(paths: readonly string[], cwd: string): string | undefined {
  const start = resolve(cwd, paths[0] ?? '.');
  let dir = existsSync(start) && statSync(start).isDirectory() ? start : dirname(start);
  for (;;) {
    const candidate = join(dir, PROJECT_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

export function loadProjectConfig(
  configOption: string | undefined,
  paths: readonly string[],
  cwd: string,
  ruleOptions: readonly string[],
): ProjectConfig {
  const file = configOption !== undefined ? resolve(cwd, configOption) : findProjectFile(paths, cwd);
  let config: ProjectConfig;
  if (file) {
    try {
      config = readProjectConfig(readSourceFile(file));
    } catch (e) {
      throw new UsageError(`cannot read the project file ${file}: ${(e as Error).message}`);
    }
  } else config = defaultProjectConfig(cwd);
  if (ruleOptions.length === 0) return config;
  const rules = new Map(config.rules);
  for (const option of ruleOptions) {
    const m = /^([^=]+)=(.*)$/.exec(option);
    if (!m) throw new UsageError(`--rule takes ID=SEVERITY (e.g. --rule non-isolated-pods=off), not "${option}"`);
    const [, id, value] = m;
    if (!isRuleId(id)) {
      const guess = closest(id, RULE_IDS);
      throw new UsageError(`--rule: there is no rule "${id}"${guess ? `; did you mean ${guess}?` : ''}`);
    }
    const setting = SETTINGS.find((s) => s === value.toLowerCase());
    if (!setting)
      throw new UsageError(`--rule ${id}: the severity must be one of ${SETTINGS.join(', ')}, not "${value}"`);
    rules.set(id, { value: setting });
  }
  return { ...config, rules };
}
