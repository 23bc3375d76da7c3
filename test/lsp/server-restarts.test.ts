/** The client's answer when the language server dies: restart a few times, then stop with a clear message. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RESTARTS, RESTART_WINDOW_MS, ServerRestarts } from '../../client/src/server-restarts';

/** vscode-languageclient's CloseAction values. */
const DO_NOT_RESTART = 1;
const RESTART = 2;

describe('client: restarting a server that dies', () => {
  it('restarts it a few times, then stops and tells the user how to go on', () => {
    let now = 0;
    const messages: string[] = [];
    const restarts: number[] = [];
    const handler = new ServerRestarts({
      now: () => now,
      onGiveUp: (m) => messages.push(m),
      onRestart: (n) => restarts.push(n),
    });
    for (let i = 0; i < MAX_RESTARTS; i++) {
      now += 1000;
      assert.equal(handler.closed().action, RESTART);
    }
    assert.deepEqual(restarts, [1, 2, 3]);
    assert.deepEqual(messages, []);
    now += 1000;
    const last = handler.closed();
    assert.equal(last.action, DO_NOT_RESTART);
    assert.equal(last.handled, true, 'our message replaces the library’s');
    assert.equal(messages.length, 1);
    assert.match(messages[0], /stopped 4 times in 3 minutes/);
    assert.match(messages[0], /NetPol: Restart Language Server/);
  });

  it('forgets stops older than the window, and a manual restart starts the count again', () => {
    let now = 0;
    const messages: string[] = [];
    const handler = new ServerRestarts({ now: () => now, onGiveUp: (m) => messages.push(m) });
    for (let i = 0; i < 10; i++) {
      now += RESTART_WINDOW_MS / 2;
      assert.equal(handler.closed().action, RESTART, `a stop every ${RESTART_WINDOW_MS / 2000} s is restarted`);
    }
    now += RESTART_WINDOW_MS;
    for (let i = 0; i < MAX_RESTARTS; i++) assert.equal(handler.closed().action, RESTART);
    // One more stop now would be one too many; the user's restart forgets the earlier ones.
    handler.reset();
    assert.equal(handler.closed().action, RESTART);
    assert.deepEqual(messages, []);
  });

  it('keeps the connection through a few write errors, then shuts it down', () => {
    const handler = new ServerRestarts({ onGiveUp: () => undefined });
    assert.equal(handler.error(new Error('EPIPE'), undefined, 1).action, 1);
    assert.equal(handler.error(new Error('EPIPE'), undefined, 4).action, 2);
  });
});
