import { createHash } from 'node:crypto';

/**
 * Text placed inside a <script> element ends at the first "</script" whatever the JavaScript around
 * it means, and "<!--" changes how the parser reads the rest. JSON data is made safe by escaping
 * every "<" (and ">", "&", U+2028, U+2029) as \u escapes, which JSON.parse reads back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Script source for inlining. In valid JavaScript "</script" and "<!--" occur only in strings,
 * regexes and comments, where "<\/" and "<\x21--" mean the same and no longer end or confuse the element.
 */
export function scriptForInline(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\x21--');
}

/** The CSP source that allows exactly this inline script and nothing else (no injected handler, no other script). */
export function cspHash(inlineScript: string): string {
  return `'sha256-${createHash('sha256').update(inlineScript, 'utf8').digest('base64')}'`;
}
