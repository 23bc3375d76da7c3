/**
 * The matrix panel's page: a strict Content-Security-Policy (nothing but the
 * extension's media/ stylesheet and the one script carrying this page's
 * nonce), no inline script or handler, and an empty root the script fills
 * with text nodes. No vscode import, so test/webview renders this very page.
 */

export interface MatrixPageParts {
  /** The webview's `cspSource` (the origin its local resources are served from). */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** Fresh for every page. */
  readonly nonce: string;
}

const attr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function matrixPageHtml(p: MatrixPageParts): string {
  const csp = [
    "default-src 'none'",
    `style-src ${p.cspSource}`,
    `img-src ${p.cspSource}`,
    `font-src ${p.cspSource}`,
    `script-src 'nonce-${p.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>Reachability Matrix</title>
</head>
<body>
<div id="matrix-root"></div>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}

/** 32 random characters from [A-Za-z0-9], for the CSP nonce. */
export function makeNonce(random: (n: number) => Uint8Array): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(random(32), (b) => chars[b % chars.length]).join('');
}
