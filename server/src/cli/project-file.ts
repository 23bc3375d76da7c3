/**
 * The project file for a CLI run: `--config FILE`, or the `.netpol.yaml` found
 * in the folder of the first PATH or a folder above it (up to the repository
 * root, the folder that holds `.git`), with `--rule ID=SEVERITY` overrides.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isRuleId, type RuleId } from '../common/rule-registry';
import {
  defaultProjectConfig,
  noSuchRule,
  PROJECT_CONFIG_FILE,
  type ProjectConfig,
  RULE_SETTINGS,
  type RuleSetting,
  readProjectConfig,
  ruleSettingOf,
  withRuleSettings,
} from '../lint/project-config';
import { readSourceFile } from '../yaml/discover';
import { UsageError } from './args';

function findProjectFile(paths: readonly string[], cwd: string): string | undefined {
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
  const overrides = new Map<RuleId, RuleSetting>();
  for (const option of ruleOptions) {
    const m = /^([^=]+)=(.*)$/.exec(option);
    if (!m) throw new UsageError(`--rule takes ID=SEVERITY (e.g. --rule non-isolated-pods=off), not "${option}"`);
    const [, id, value] = m;
    if (!isRuleId(id)) throw new UsageError(`--rule: ${noSuchRule(id)}`);
    const setting = ruleSettingOf(value);
    if (!setting)
      throw new UsageError(`--rule ${id}: the severity must be one of ${RULE_SETTINGS.join(', ')}, not "${value}"`);
    overrides.set(id, setting);
  }
  return withRuleSettings(config, overrides);
}
