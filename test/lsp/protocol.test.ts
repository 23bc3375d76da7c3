/** The language server over stdio: flannel's files in the workspace get diagnostics at the JSON token; settings are read. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers';

interface Message {
  id?: number;
  method?: string;
  params?: {
    uri?: string;
    diagnostics?: { code: string; range: { start: { line: number; character: number } } }[];
    message?: string;
  };
}

/** Starts dist/server.js, sends `messages`, collects what comes back until `done` says so (or 5 s pass). */
function session(messages: object[], done: (got: Message[]) => boolean): Promise<Message[]> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const got: Message[] = [];
    let buf = Buffer.alloc(0);
    const finish = () => {
      clearTimeout(timer);
      p.kill();
      resolve(got);
    };
    const timer = setTimeout(finish, 5000);
    p.stdout.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) break;
        const len = Number(/Content-Length: (\d+)/.exec(buf.subarray(0, head).toString())![1]);
        if (buf.length < head + 4 + len) break;
        got.push(JSON.parse(buf.subarray(head + 4, head + 4 + len).toString()));
        buf = buf.subarray(head + 4 + len);
      }
      if (done(got)) finish();
    });
    for (const m of messages) {
      const s = JSON.stringify({ jsonrpc: '2.0', ...m });
      p.stdin.write(`Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`);
    }
  });
}

describe('lsp: flannel files over the protocol', () => {
  it('publishes net-conf.json findings at the token and warns about an unusable podNetwork setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-lsp-'));
    writeFileSync(
      join(dir, 'net-conf.json'),
      '{"Network": "10.5.0.0/16", "SubnetLenght": 2, "Backend": {"Type": "vxlan"}}',
    );
    const uri = pathToFileURL(join(dir, 'net-conf.json')).toString();
    const got = await session(
      [
        {
          id: 1,
          method: 'initialize',
          params: {
            processId: null,
            rootUri: pathToFileURL(dir).toString(),
            capabilities: {},
            initializationOptions: { netpolStudio: { podNetwork: '10.5.0.0' } },
          },
        },
        { method: 'initialized', params: {} },
      ],
      (msgs) =>
        msgs.some((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri) &&
        msgs.some((m) => m.method === 'window/showMessageRequest'),
    );
    const diags = got.find((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri)!.params!
      .diagnostics!;
    assert.deepEqual(
      diags.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`),
      ['flannel-config-unknown-field@0:27'],
    );
    assert.match(
      got.find((m) => m.method === 'window/showMessageRequest')!.params!.message!,
      /netpolStudio.podNetwork is not used/,
    );
    assert.ok(
      got.findIndex((m) => m.id === 1) < got.findIndex((m) => m.method === 'window/showMessageRequest'),
      'no request before the initialize response',
    );
  });
});
