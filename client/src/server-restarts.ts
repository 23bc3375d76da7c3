/**
 * What the client does when the language server's connection fails or its
 * process ends: start it again, up to MAX_RESTARTS times in RESTART_WINDOW_MS,
 * then stop and say so clearly, with the way out (the output channel, a
 * manual restart). vscode-languageclient asks this ErrorHandler; it is kept
 * free of the `vscode` module so a unit test drives it (test/lsp/server-restarts.test.ts).
 */
import type {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
} from 'vscode-languageclient';

/** vscode-languageclient's enum values (its module needs `vscode` at runtime, so only its types are imported). */
const CONTINUE = 1 as ErrorAction;
const SHUTDOWN = 2 as ErrorAction;
const DO_NOT_RESTART = 1 as CloseAction;
const RESTART = 2 as CloseAction;

export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 3 * 60 * 1000;
/** Write errors tolerated on the connection before shutting it down (the library's default too). */
const MAX_CONNECTION_ERRORS = 3;

export interface ServerRestartsOptions {
  /** Called when the server stopped once more than allowed: show `message` to the user. */
  readonly onGiveUp: (message: string) => void;
  /** Called before each automatic restart (restarts so far, this one included). */
  readonly onRestart?: (restarts: number) => void;
  readonly now?: () => number;
}

export class ServerRestarts implements ErrorHandler {
  private stops: number[] = [];
  private readonly now: () => number;

  constructor(private readonly options: ServerRestartsOptions) {
    this.now = options.now ?? Date.now;
  }

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    return { action: (count ?? 1) <= MAX_CONNECTION_ERRORS ? CONTINUE : SHUTDOWN, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = this.now();
    this.stops = [...this.stops.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.stops.length <= MAX_RESTARTS) {
      this.options.onRestart?.(this.stops.length);
      return { action: RESTART, handled: true };
    }
    this.options.onGiveUp(
      `The NetPol Studio language server stopped ${this.stops.length} times in ${RESTART_WINDOW_MS / 60000} minutes and was not started again: diagnostics, hovers and the matrix are off. See the output for why, then restart it (NetPol: Restart Language Server).`,
    );
    this.stops = [];
    return { action: DO_NOT_RESTART, handled: true };
  }

  /** A restart the user asked for starts the count again. */
  reset(): void {
    this.stops = [];
  }
}
