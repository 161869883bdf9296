/**
 * Every byte the CLI writes goes through here, terminal-safe
 * (printable.ts): text with its newlines, JSON as equal JSON, and messages
 * on stderr as exactly one line each.
 */
import { printableJson, printableLine, printableText } from './printable.js';

/** Readable text on stdout (a trailing newline is added when missing). */
export function writeText(text: string): void {
  process.stdout.write(printableText(text.endsWith('\n') ? text : text + '\n'));
}

/** A piece of text on stdout, as given (no newline added). */
export function writeTextPiece(text: string): void {
  process.stdout.write(printableText(text));
}

/** A JSON document (or a piece of one) on stdout, exactly as given apart from escapes. */
export function writeJson(text: string): void {
  process.stdout.write(printableJson(text));
}

/** One message line on stderr, prefixed "tdx-lab: ". */
export function writeMessage(message: string): void {
  process.stderr.write(`tdx-lab: ${printableLine(message)}\n`);
}

/** Several message lines on stderr (a checklist), each made safe on its own. */
export function writeMessages(text: string): void {
  const lines = text.replace(/\n$/, '').split('\n');
  process.stderr.write(lines.map((l) => printableLine(l)).join('\n') + '\n');
}
