/** The shape of one LSP feature file: what it announces in `initialize`, and its handlers. */
import type { ServerCapabilities } from 'vscode-languageserver/node';
import type { Session } from './session';

export interface Feature {
  readonly capabilities?: ServerCapabilities;
  register(session: Session): void;
}
