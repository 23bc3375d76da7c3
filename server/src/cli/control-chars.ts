/**
 * Terminal safety: names and labels come from the workspace, and a name can
 * hold ESC, BEL, an OSC sequence or a C1 control that retitles, recolours or
 * clears the user's terminal (or hides text with a bidi override). Every
 * character of that kind the CLI writes is replaced by its `\uXXXX` escape.
 * Inside JSON strings that escape is JSON's own, so JSON output keeps its
 * meaning; line feeds and tabs are kept.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
