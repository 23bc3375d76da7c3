/**
 * The extension's settings (package.json `contributes.configuration`) as
 * analysis options: pulled from the client with workspace/configuration.
 * Values that cannot be used are left out, with a message for the user.
 */
import type { Connection } from 'vscode-languageserver/node';
import type { AnalysisOptions } from '../engine/analysis';
import { parsePodNetwork } from '../network/flannel-config';

export const SETTINGS_SECTION = 'netpolStudio';

interface Settings {
  readonly evaluateStagedPolicies?: boolean;
  readonly podNetwork?: unknown;
}

export interface SettingsResult {
  readonly options: AnalysisOptions;
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
  return {
    options: { evaluateStaged: settings?.evaluateStagedPolicies === true, ...(podNetwork ? { podNetwork } : {}) },
    problems,
  };
}

export async function fetchSettings(connection: Connection): Promise<SettingsResult> {
  return readSettings((await connection.workspace.getConfiguration(SETTINGS_SECTION)) as Settings | null);
}
