/**
 * Text from files (host names, paths, JSON strings) reaches the terminal only
 * through these: control characters, DEL, C1 controls, line and paragraph
 * separators and bidirectional overrides are written as visible escapes, so
 * no input can move the cursor, recolour the terminal or split a message
 * over several lines.
 */

// C0 and C1 controls, DEL, U+2028/2029, and the bidi embedding/override/isolate controls.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of a message: every control character escaped, newlines included. */
export function printableLine(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** Multi-line text output: newlines and tabs kept, every other control escaped. */
export function printableText(s: string): string {
  return s.replace(UNSAFE_BUT_LINES, escapeChar);
}

/**
 * JSON output: JSON.stringify already escapes C0 controls; DEL, C1 and the
 * separators it leaves raw become \u escapes, which keeps the JSON equal.
 */
export function printableJson(s: string): string {
  return s.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
