/**
 * The handler table: one file per LSP feature, as yaml-language-server lays
 * out its services. server.ts announces their capabilities and registers them
 * on the session; each reads the session's current analysis through ide/.
 */
import type { ServerCapabilities } from 'vscode-languageserver/node';
import { codeActionsFeature } from './code-actions';
import { codeLensFeature } from './code-lens';
import { commandsFeature } from './commands';
import { completionFeature } from './completion';
import { documentSymbolsFeature } from './document-symbols';
import { hoverFeature } from './hover';
import { inlayHintsFeature } from './inlay-hints';
import { matrixFeature } from './matrix-requests';
import { navigationFeature } from './navigation';
import { debugStatsFeature } from './debug-stats';
import { diagnosticsFeature } from './diagnostics';
import type { Feature } from './feature';
import type { Session } from './session';

export const FEATURES: readonly Feature[] = [
  diagnosticsFeature,
  codeActionsFeature,
  hoverFeature,
  inlayHintsFeature,
  codeLensFeature,
  commandsFeature,
  completionFeature,
  navigationFeature,
  documentSymbolsFeature,
  matrixFeature,
  debugStatsFeature,
];

export function featureCapabilities(): ServerCapabilities {
  return Object.assign({}, ...FEATURES.map((f) => f.capabilities ?? {}));
}

export function registerFeatures(session: Session): void {
  for (const f of FEATURES) f.register(session);
}
