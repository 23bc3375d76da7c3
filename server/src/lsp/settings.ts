/**
 * The extension's settings (package.json `contributes.configuration`) as
 * analysis options: pulled from the client with workspace/configuration.
 * Values that cannot be used are left out, with a message for the user.
 */
import type { Connection } from 'vscode-languageserver/node';
import type { AnalysisOptions } from '../engine/analysis';
import { parsePodNetwork } from '../network/flannel-config';
import { LIMITS } from '../common/limits';
import { isRuleId, type RuleId } from '../common/rule-registry';
import { noSuchRule, RULE_SETTINGS, type RuleSetting, ruleSettingOf } from '../lint/project-config';

export const SETTINGS_SECTION = 'netpolStudio';

interface Settings {
  readonly evaluateStagedPolicies?: boolean;
  readonly podNetwork?: unknown;
  readonly inlayHints?: { readonly enabled?: unknown };
  readonly codeLens?: { readonly enabled?: unknown };
  readonly maxFileSizeKb?: unknown;
  readonly timeBudgetSeconds?: unknown;
  readonly generatedPolicyKind?: unknown;
  readonly rules?: unknown;
}

/** What the editor features read (not analysis options). */
export interface EditorSettings {
  readonly inlayHints: boolean;
  readonly codeLens: boolean;
  /** Workspace files larger than this are skipped (bytes). */
  readonly maxFileSize: number;
  /**
   * `netpolStudio.timeBudgetSeconds`: the most one analysis may take (ms), so that a hostile workspace
   * cannot freeze the editor; the project file's `timeBudgetSeconds` may set less.
   */
  readonly timeBudgetMs: number;
  /** What "Generate Least-Privilege Policy" writes. */
  readonly generatedPolicyKind: 'kubernetes' | 'calico';
  /** `netpolStudio.rules`: severities that override the project file's, as `--rule` does in the CLI. */
  readonly rules: ReadonlyMap<RuleId, RuleSetting>;
}

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = {
  inlayHints: true,
  codeLens: true,
  maxFileSize: LIMITS.fileBytes,
  timeBudgetMs: 10_000,
  generatedPolicyKind: 'kubernetes',
  rules: new Map(),
};

/** `netpolStudio.rules` (`{"rule-id": "off" | "hint" | "info" | "warning" | "error"}`); what cannot be used becomes a problem. */
function readRuleSettings(raw: unknown, problems: string[]): ReadonlyMap<RuleId, RuleSetting> {
  const rules = new Map<RuleId, RuleSetting>();
  if (raw === undefined || raw === null) return rules;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('netpolStudio.rules must be an object such as {"non-isolated-pods": "off"}.');
    return rules;
  }
  for (const [id, value] of Object.entries(raw)) {
    if (!isRuleId(id)) {
      problems.push(`netpolStudio.rules: ${noSuchRule(id)}`);
      continue;
    }
    const setting = ruleSettingOf(value);
    if (setting) rules.set(id, setting);
    else
      problems.push(
        `netpolStudio.rules: ${id} must be one of ${RULE_SETTINGS.join(', ')}, not ${JSON.stringify(value)}.`,
      );
  }
  return rules;
}

export interface SettingsResult {
  readonly options: AnalysisOptions;
  readonly editor: EditorSettings;
  /** Messages for the user about settings that could not be used. */
  readonly problems: readonly string[];
}

export function readSettings(settings: Settings | null | undefined): SettingsResult {
  const problems: string[] = [];
  let podNetwork: string | undefined;
  const raw = settings?.podNetwork;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const parsed = parsePodNetwork(raw.trim());
    if ('error' in parsed)
      problems.push(
        `netpolStudio.podNetwork is not used: ${parsed.error}. Give a CIDR such as 10.244.0.0/16, or "10.244.0.0/16,fd00:10:244::/56" for dual-stack.`,
      );
    else podNetwork = raw.trim();
  } else if (raw !== undefined && raw !== null && typeof raw !== 'string') {
    problems.push('netpolStudio.podNetwork must be a string such as "10.244.0.0/16".');
  }
  const size = settings?.maxFileSizeKb;
  let maxFileSize = DEFAULT_EDITOR_SETTINGS.maxFileSize;
  if (typeof size === 'number' && Number.isFinite(size) && size > 0) maxFileSize = Math.round(size * 1024);
  else if (size !== undefined && size !== null)
    problems.push('netpolStudio.maxFileSizeKb must be a positive number of kilobytes, such as 2048.');
  const budget = settings?.timeBudgetSeconds;
  let timeBudgetMs = DEFAULT_EDITOR_SETTINGS.timeBudgetMs;
  if (typeof budget === 'number' && Number.isFinite(budget) && budget > 0) timeBudgetMs = budget * 1000;
  else if (budget !== undefined && budget !== null)
    problems.push('netpolStudio.timeBudgetSeconds must be a number of seconds above 0, such as 10.');
  const editor: EditorSettings = {
    inlayHints: settings?.inlayHints?.enabled !== false,
    codeLens: settings?.codeLens?.enabled !== false,
    maxFileSize,
    timeBudgetMs,
    generatedPolicyKind: settings?.generatedPolicyKind === 'calico' ? 'calico' : 'kubernetes',
    rules: readRuleSettings(settings?.rules, problems),
  };
  return {
    editor,
    options: { evaluateStaged: settings?.evaluateStagedPolicies === true, ...(podNetwork ? { podNetwork } : {}) },
    problems,
  };
}

export async function fetchSettings(connection: Connection): Promise<SettingsResult> {
  return readSettings((await connection.workspace.getConfiguration(SETTINGS_SECTION)) as Settings | null);
}

/** VS Code's `files.exclude` globs that are switched on. */
export async function fetchFilesExclude(connection: Connection): Promise<string[]> {
  const raw = (await connection.workspace.getConfiguration('files.exclude')) as Record<string, unknown> | null;
  return Object.entries(raw ?? {})
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}
