/**
 * What people wrap around an artifact when they paste it into an issue, a
 * mail or a chat: Markdown fences and HTML blocks, "> " quoting, shell
 * prompts in all the shapes shells draw them, and elision marks ("...",
 * "[snip]") where they cut the middle out. None of it is artifact text;
 * the parsers see only what is inside.
 */

/** A Markdown fence (```` ``` ````, ```` ```console ````, `~~~`) or an HTML wrapper line (`<details>`, `<pre>`...). */
export function isBlockBoundary(s: string): boolean {
  const c = s[0];
  if (c !== '`' && c !== '~' && c !== '<') return false;
  return /^(?:`{3,}|~{3,})[\w+.-]*\s*$/.test(s) || /^<\/?(?:details|summary|pre|code|p|br|div)\b[^>]*>.*$/i.test(s);
}

/**
 * A line that only marks an elision: "...", "......", "…", "[...]", "[snip]",
 * "<snip>", "-- snip --", "(...)".
 */
export function isElision(s: string): boolean {
  if (s.length > 16 || !/^[.…[<(-]/.test(s)) return false;
  return /^(?:\.{3,}|…+|\[\s*(?:\.{3,}|…|snip|cut)\s*\]|<\s*(?:snip|cut)\s*>|-+\s*(?:snip|cut)\s*-+|\(\s*(?:\.{3,}|…|snip)\s*\))$/i.test(
    s,
  );
}

/** Strips Markdown/e-mail quoting ("> ", "> > "). */
export function unquote(raw: string): string {
  return /^\s*>/.test(raw) ? raw.replace(/^\s*(?:>[ \t]?)+/, '') : raw;
}

/** The commands whose output the importers read, as the first word after a bare "#" or "%" prompt. */
const KNOWN_COMMAND =
  /^(?:sudo\s+(?:-\S+\s+)*)?(?:dmesg|journalctl|uname|cat|grep|egrep|head|tail|less|more|lsmem|numactl|cxl|daxctl|ndctl)\b/;

/**
 * The shell command of a prompt line, and the hostname the prompt shows (if
 * any). Prompt shapes: `$ cmd`, `$cmd`, `user@host:~$ cmd`, `user@host $ cmd`,
 * `user@host ~ $ cmd`, `[user@host dir]# cmd`, `host:~ # cmd`, `bash-5.2$ cmd`,
 * `(venv) user@host:~$ cmd`; `# cmd` and `% cmd` only when cmd is one the
 * importers read (otherwise the line is a comment or prose).
 */
export function promptCommand(line: string): { cmd: string; host?: string } | undefined {
  if (!/[$#%]/.test(line)) return undefined;
  const s = unquote(line)
    .trim()
    .replace(/^\([\w.-]+\)\s+/, '');
  const withHost = (cmd: string, host: string) => (host ? { cmd: cmd.trim(), host } : { cmd: cmd.trim() });
  let m: RegExpExecArray | null;
  if ((m = /^\$\s*(\S.*)$/.exec(s))) return { cmd: m[1].trim() };
  // user@host, then a path after ":" or a space, then $ or #.
  if ((m = /^\/?([\w.-]+)@([\w.-]*)(?::[^\s$#]*|\s+[~/][^\s$#]*)?\s*[$#]\s*(.*)$/.exec(s))) return withHost(m[3], m[2]);
  // [user@host dir]$
  if ((m = /^\[([\w.-]*)@([\w.-]*)(?:\s[^\]]*)?\][$#]\s*(.*)$/.exec(s))) return withHost(m[3], m[2]);
  // SUSE "host:~ # cmd"; "bash-5.2$ cmd"
  if ((m = /^([\w.-]+):(?:~|\/)[^\s$#]*\s?[$#]\s+(.*)$/.exec(s))) return withHost(m[2], m[1]);
  if ((m = /^(?:ba|z|k)?sh-\d+(?:\.\d+)*[$#]\s*(.*)$/.exec(s))) return { cmd: m[1].trim() };
  if ((m = /^[#%]\s*(\S.*)$/.exec(s)) && !s.startsWith('##') && KNOWN_COMMAND.test(m[1].trim()))
    return { cmd: m[1].trim() };
  return undefined;
}
