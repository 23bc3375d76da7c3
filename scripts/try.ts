// `npm run try`: the extension in a real VS Code, in one command. Packages the built extension
// (npm run try builds first), starts code-server on 127.0.0.1 with it installed and a copy of
// examples/ open, prints the URL, and stops code-server (its whole process group) on Ctrl+C.
// code-server is installed into .e2e/tools on first use, as the end-to-end tests do.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CodeServer, installCodeServer, packageVsix, startCodeServer } from '../test/e2e/code-server';
import { ROOT } from '../test/helpers';

async function main(): Promise<void> {
  const folder = join(ROOT, process.argv[2] ?? 'examples');
  mkdirSync(join(ROOT, '.e2e'), { recursive: true });
  const vsix = join(ROOT, '.e2e', 'netpol-studio-try.vsix');
  console.log('Packaging the extension…');
  packageVsix(vsix);
  console.log('Installing code-server into .e2e/tools if needed (the first time takes about a minute)…');
  installCodeServer();
  console.log('Starting code-server with NetPol Studio installed…');
  let server: CodeServer | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server?.stop();
    console.log(`\n${signal}: code-server stopped.`);
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  server = await startCodeServer(vsix, folder);
  if (stopping) server.stop();
  console.log(`\nNetPol Studio in VS Code: ${server.url}\n`);
  console.log(`Open it in a browser. The workspace is a copy of ${folder} at ${server.workspace}`);
  console.log('(deleted when you stop). Ctrl+C stops code-server.');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
