import { randomBytes } from 'node:crypto';

/** A fresh nonce for the panel's script tag: 128 random bits. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface PanelHtmlParts {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
  readonly nonce: string;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The panel's HTML shell. Content-Security-Policy `default-src 'none'`: styles and images only from
 * the extension's own resources, scripts only with this load's nonce, nothing else (no network).
 */
export function panelHtml(p: PanelHtmlParts): string {
  const csp = [
    "default-src 'none'",
    `style-src ${p.cspSource} 'nonce-${p.nonce}'`,
    `img-src ${p.cspSource} data:`,
    `font-src ${p.cspSource}`,
    `script-src 'nonce-${p.nonce}'`,
  ].join('; ');
  const styles = p.styleUris.map((u) => `  <link rel="stylesheet" href="${attr(u)}" nonce="${attr(p.nonce)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
  <title>Labelwise</title>
</head>
<body>
  <div id="app" role="application" aria-label="Labelwise labeling panel"></div>
  <script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}
