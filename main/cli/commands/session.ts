/**
 * `tdx-lab session new|list|show|rm|rename|note|diff|export|import`: the lab
 * notebook (one SQLite file; docs/sessions.md). Every subcommand takes
 * --db PATH (else $TDX_LAB_DB, else the per-user data folder).
 */
import { accessSync, closeSync, constants, readSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { InputError, openInput } from '../../node/input-file.js';
import { checkOutputTarget, writeOutputFile } from '../../node/output-file.js';
import { openLabStore, StoreError, type LabStore } from '../../store/lab-store.js';
import { inspectDbFile } from '../../store/open.js';
import { resolveDbPath } from '../../store/paths.js';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../store/export-format.js';
import { checkNotebook } from '../../store/check.js';
import { recoverNotebook } from '../../store/recover.js';
import { renderSessionList, renderSessionShow } from '../render/session-text.js';
import { renderRunDiff, renderSessionDiff } from '../render/session-diff.js';
import { forceOption, maxInputSizeOption } from '../options.js';
import { writeJson, writeText } from '../output.js';

import { DB_OPTION_HELP } from './db-option.js';

export { DB_OPTION_HELP };

interface DbOptions {
  db?: string;
}

/** Busy timeout for CLI writes: TDX_LAB_BUSY_TIMEOUT_MS, else 5000 ms. */
function busyTimeoutMs(): number | undefined {
  const v = process.env.TDX_LAB_BUSY_TIMEOUT_MS;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InputError(`TDX_LAB_BUSY_TIMEOUT_MS: expected a whole number of milliseconds, got '${v}'`);
  return n;
}

/** Opens (creating and migrating if needed) the notebook the options point at. */
export function openStoreForCli(dbFlag: string | undefined): LabStore {
  const { path, isDefault } = resolveDbPath(dbFlag);
  return openLabStore(path, { createDir: isDefault, busyTimeoutMs: busyTimeoutMs() });
}

/** Whether this process may write the file and its folder (false on read-only media, or another user's file). */
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * For commands that only read: opened read-only, so they work on read-only
 * files and media; undefined when the database does not exist yet (nothing
 * is created). A notebook of an older schema is migrated first where it can be.
 */
export function openExistingForCli(
  dbFlag: string | undefined,
  opts: { fullCheck?: boolean } = {},
): { store: LabStore | undefined; path: string } {
  const { path } = resolveDbPath(dbFlag);
  if (inspectDbFile(path) === 'missing') return { store: undefined, path };
  try {
    return {
      store: openLabStore(path, { readonly: true, fullCheck: opts.fullCheck, busyTimeoutMs: busyTimeoutMs() }),
      path,
    };
  } catch (e) {
    if (e instanceof StoreError && e.needsUpgrade && writable(path)) return { store: openStoreForCli(dbFlag), path };
    throw e;
  }
}

function withStore<T>(store: LabStore, fn: (s: LabStore) => T): T {
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function out(text: string): void {
  writeText(text);
}

function outJson(text: string): void {
  writeJson(text + '\n');
}

function noDb(path: string, what: string): never {
  throw new InputError(`${path}: no session ${what} (the database does not exist yet)`);
}

/** A positive whole run id, or undefined when `s` is not one. */
export function runId(s: string): number | undefined {
  const m = /^(?:run:|#)?(\d+)$/.exec(s);
  return m ? Number(m[1]) : undefined;
}

export function register(program: Command): void {
  const session = program
    .command('session')
    .description('The lab notebook: named sessions of recorded hosts, runs and notes (SQLite)');

  session
    .command('new')
    .description('Create an empty session')
    .argument('<name>', 'session name')
    .option('-d, --description <text>', 'what this investigation is about')
    .option('--db <path>', DB_OPTION_HELP)
    .action((name: string, opts: DbOptions & { description?: string }) => {
      withStore(openStoreForCli(opts.db), (store) => {
        const s = store.createSession(name, opts.description ?? null);
        out(`created session '${s.name}' (#${s.id}) in ${store.path}`);
      });
    });

  session
    .command('list')
    .description('List the sessions')
    .option('--json', 'print a JSON array')
    .option('--db <path>', DB_OPTION_HELP)
    .action((opts: DbOptions & { json?: boolean }) => {
      const { store, path } = openExistingForCli(opts.db);
      const sessions = store ? withStore(store, (s) => s.listSessions()) : [];
      if (opts.json) outJson(JSON.stringify(sessions));
      else out(renderSessionList(path, sessions));
    });

  session
    .command('show')
    .description('Show a session: its hosts, runs and notes')
    .argument('<name>', 'session name')
    .option('--json', 'print the session as JSON')
    .option('--db <path>', DB_OPTION_HELP)
    .action((name: string, opts: DbOptions & { json?: boolean }) => {
      const { store, path } = openExistingForCli(opts.db);
      if (!store) noDb(path, `named '${name}'`);
      withStore(store, (st) => {
        const s = st.getSession(name);
        if (!s) throw new InputError(`${st.path}: no session named '${name}' (see: tdx-lab session list)`);
        if (opts.json) outJson(JSON.stringify(s));
        else out(renderSessionShow(st.path, s));
      });
    });

  session
    .command('rm')
    .description('Delete a session with its hosts, runs, events and notes')
    .argument('<name>', 'session name')
    .option('--db <path>', DB_OPTION_HELP)
    .action((name: string, opts: DbOptions) => {
      const { path } = resolveDbPath(opts.db);
      if (inspectDbFile(path) === 'missing') noDb(path, `named '${name}'`);
      withStore(openStoreForCli(opts.db), (st) => {
        const s = st.deleteSession(name);
        out(`deleted session '${s.name}' (${s.runCount} runs, ${s.hostCount} hosts, ${s.noteCount} notes)`);
      });
    });

  session
    .command('rename')
    .description('Rename a session')
    .argument('<name>', 'current name')
    .argument('<new-name>', 'new name')
    .option('--db <path>', DB_OPTION_HELP)
    .action((name: string, newName: string, opts: DbOptions) => {
      const { path } = resolveDbPath(opts.db);
      if (inspectDbFile(path) === 'missing') noDb(path, `named '${name}'`);
      withStore(openStoreForCli(opts.db), (st) => {
        const s = st.renameSession(name, newName);
        out(`renamed session '${name}' to '${s.name}'`);
      });
    });

  session
    .command('note')
    .description('Add a note to a session (optionally about one run)')
    .argument('<name>', 'session name')
    .argument('<text>', 'the note')
    .option('--run <id>', 'the run the note is about')
    .option('--db <path>', DB_OPTION_HELP)
    .action((name: string, text: string, opts: DbOptions & { run?: string }) => {
      const rid = opts.run === undefined ? undefined : runId(opts.run);
      if (opts.run !== undefined && rid === undefined)
        throw new InputError(`--run: expected a run id like 12, got '${opts.run}'`);
      withStore(openStoreForCli(opts.db), (st) => {
        const n = st.addNote(name, { text, runId: rid ?? null });
        out(`added note #${n.id} to session '${name}'`);
      });
    });

  session
    .command('diff')
    .description(
      'Compare two runs (ids) or two sessions (names): hosts, statuses, TDMRs, PAMT per node, reserved areas',
    )
    .argument('<a>', 'run id (12, #12 or run:12) or session name (session:NAME forces a name)')
    .argument('<b>', 'run id or session name')
    .option('--json', 'print the differences as JSON (exact byte numbers)')
    .option('--db <path>', DB_OPTION_HELP)
    .addHelpText(
      'after',
      '\nTwo run ids compare those runs; two session names pair their newest runs by host, kind and kernel variant.',
    )
    .action((a: string, b: string, opts: DbOptions & { json?: boolean }) => {
      const { store, path } = openExistingForCli(opts.db);
      if (!store) noDb(path, `'${a}' or '${b}'`);
      withStore(store, (st) => {
        // A number is a run id (run wins over a session of that name unless written session:NAME).
        const resolve = (arg: string): { run: number } | { session: string } => {
          const id = arg.startsWith('session:') ? undefined : runId(arg);
          if (id !== undefined && st.getRun(id)) return { run: id };
          const name = arg.replace(/^session:/, '');
          if (st.getSession(name)) return { session: name };
          throw new InputError(
            `${st.path}: '${arg}' is neither ${id !== undefined ? `an existing run (no run #${id}) nor ` : ''}a session name`,
          );
        };
        const ra = resolve(a);
        const rb = resolve(b);
        if ('run' in ra && 'run' in rb) {
          const d = st.diffRuns(ra.run, rb.run);
          if (opts.json) outJson(JSON.stringify(d));
          else out(renderRunDiff(d));
        } else if ('session' in ra && 'session' in rb) {
          const d = st.diffSessions(ra.session, rb.session);
          if (opts.json) outJson(JSON.stringify(d));
          else out(renderSessionDiff(d));
        } else {
          throw new InputError(
            `cannot compare a run with a session: give two run ids or two session names (session:NAME forces a name)`,
          );
        }
      });
    });

  session
    .command('export')
    .description(`Write a session to one portable JSON file (format ${EXPORT_FORMAT} v${EXPORT_VERSION})`)
    .argument('<name>', 'session name')
    .requiredOption('-o, --out <file>', 'file to write (never a database)')
    .addOption(forceOption())
    .option('--db <path>', DB_OPTION_HELP)
    .action((name: string, opts: DbOptions & { out: string; force?: boolean }) => {
      const { path } = resolveDbPath(opts.db);
      if (inspectDbFile(path) === 'missing') noDb(path, `named '${name}'`);
      const protect = [path];
      checkOutputTarget(opts.out, { force: opts.force, protect });
      // A notebook we may write remembers its exports; a read-only one is exported all the same.
      const rw = writable(path);
      const store = rw ? openStoreForCli(opts.db) : openExistingForCli(opts.db, { fullCheck: true }).store!;
      withStore(store, (st) => {
        st.requireSession(name);
        // Streamed: the document is written piece by piece to a temporary file, then renamed.
        const bytes = writeOutputFile(opts.out, st.exportPieces(name), { force: opts.force, protect });
        if (rw) st.recordExport(name, opts.out, bytes);
        out(`exported session '${name}' to ${opts.out} (${bytes} bytes)`);
      });
    });

  session
    .command('import')
    .description('Add a session from an export file (never replaces an existing session)')
    .argument('<file>', 'export file written by tdx-lab session export')
    .option('--rename <name>', 'import under this name instead of the one in the file')
    .option('--db <path>', DB_OPTION_HELP)
    .addOption(maxInputSizeOption())
    .action((file: string, opts: DbOptions & { rename?: string }) => {
      // Open the file before the database: a missing, special or oversized file never touches it.
      const input = openInput(file, 'session-export');
      const { path } = resolveDbPath(opts.db);
      const existed = inspectDbFile(path) !== 'missing';
      try {
        const store = openStoreForCli(opts.db);
        withStore(store, (st) => {
          const s = st.importSessionFrom(file, (push) => readUtf8Chunks(file, input.fd, push), opts.rename);
          out(
            `imported session '${s.name}' (#${s.id}: ${s.runCount} runs, ${s.hostCount} hosts, ${s.noteCount} notes) into ${st.path}`,
          );
        });
      } catch (e) {
        // A failed import into a notebook it had to create leaves no notebook behind.
        if (!existed) for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
        throw e;
      } finally {
        closeSync(input.fd);
      }
    });

  session
    .command('check')
    .description(
      'Check the whole notebook for damage (read-only): every page and index, foreign keys, run event counts',
    )
    .option('--json', 'print the result as JSON')
    .option('--db <path>', DB_OPTION_HELP)
    .addHelpText(
      'after',
      '\nExit status: 0 sound, 1 damaged (and remembered: commands refuse the file until a check finds it sound), 2 not a notebook.',
    )
    .action((opts: DbOptions & { json?: boolean }) => {
      const { path } = resolveDbPath(opts.db);
      if (inspectDbFile(path, false) === 'missing') throw new InputError(`${path}: no such database`);
      const c = checkNotebook(path);
      if (opts.json) outJson(JSON.stringify(c));
      else if (c.ok)
        out(
          `${path}: ok (${c.counts!.sessions} sessions, ${c.counts!.runs} runs, ${c.counts!.events} events; every page, index, foreign key and event count checked)`,
        );
      else
        out(
          [
            `${path}: DAMAGED`,
            ...c.problems.map((p) => `  ${p}`),
            `Salvage what can still be read: tdx-lab session recover --db ${path} --out NEW.db`,
          ].join('\n'),
        );
      process.exitCode = c.ok ? 0 : 1;
    });

  session
    .command('recover')
    .description(
      'Salvage what can still be read from a damaged notebook into a NEW notebook file (the original is only read)',
    )
    .requiredOption('-o, --out <file>', 'the new notebook to create (must not exist)')
    .option('--json', 'print what was kept and lost as JSON')
    .option('--db <path>', DB_OPTION_HELP)
    .action((opts: DbOptions & { out: string; json?: boolean }) => {
      const { path } = resolveDbPath(opts.db);
      if (inspectDbFile(path, false) === 'missing') throw new InputError(`${path}: no such database`);
      // A new file only: never over anything, a database least of all.
      checkOutputTarget(opts.out, { protect: [path] });
      const r = recoverNotebook(path, opts.out);
      if (opts.json) outJson(JSON.stringify(r));
      else {
        const lines = [
          `recovered into ${opts.out}: ${r.sessions} sessions, ${r.hosts} hosts, ${r.runs} runs (${r.events} events), ${r.notes} notes`,
          ...r.lostHosts.map((l) => `  lost host #${l.id}: ${l.why}`),
          ...r.lostRuns.map((l) => `  lost run #${l.id}: ${l.why}`),
          ...r.unreadable.map(
            (u) =>
              `  unreadable: ${u.table} rows after id ${u.after}${u.upTo < Number.MAX_SAFE_INTEGER ? ` up to ${u.upTo}` : ''}`,
          ),
          ...r.detachedRuns.map((id) => `  run #${id}: its host was unreadable; kept without it`),
          ...r.renamedSessions.map((id) => `  session #${id}: its name was unreadable; kept as 'recovered-${id}'`),
          `${path} was not changed.`,
        ];
        out(lines.join('\n'));
      }
    });
}

/** Feeds a file's text to `push` in chunks: UTF-8 (a BOM is skipped by the scanner), invalid bytes refused. */
function readUtf8Chunks(file: string, fd: number, push: (chunk: string) => void): void {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buf = Buffer.allocUnsafe(1 << 20);
  let first = true;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    if (first && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)))
      throw new InputError(`${file}: UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8`);
    first = false;
    let text: string;
    try {
      text = decoder.decode(buf.subarray(0, n), { stream: true });
    } catch {
      throw new InputError(`${file}: not UTF-8 text; is this the right file?`);
    }
    if (text) push(text);
  }
  try {
    const rest = decoder.decode();
    if (rest) push(rest);
  } catch {
    throw new InputError(`${file}: not UTF-8 text (it ends inside a character)`);
  }
}
