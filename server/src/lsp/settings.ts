/**
 * The extension's settings (package.json `contributes.configuration`) as
 * analysis options: pulled from the client with workspace/configuration.
 */
import { Connection } from 'vscode-languageserver/node';
import { AnalysisOptions } from '../engine/analysis';

export const SETTINGS_SECTION = 'netpolStudio';

interface Settings {
  readonly evaluateStagedPolicies?: boolean;
}

export function optionsFromSettings(settings: Settings | null | undefined): AnalysisOptions {
  return { evaluateStaged: settings?.evaluateStagedPolicies === true };
}

export async function fetchOptions(connection: Connection): Promise<AnalysisOptions> {
  const settings = (await connection.workspace.getConfiguration(SETTINGS_SECTION)) as Settings | null;
  return optionsFromSettings(settings);
}
