/**
 * `tdx-lab session new|list|show|rm|rename|note|diff|export|import`: the lab
 * notebook (one SQLite file; docs/sessions.md). Every subcommand takes
 * --db PATH (else $TDX_LAB_DB, else the per-user data folder).
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, parseJsonText, readTextFile } from '../../node/input-file.js';
import { openLabStore, type LabStore } from '../../store/lab-store.js';
import { inspectDbFile } from '../../store/open.js';
import { resolveDbPath } from '../../store/paths.js';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../store/export-format.js';
import { renderSessionList, renderSessionShow } from '../render/session-text.js';
import { renderRunDiff, renderSessionDiff } from '../render/session-diff.js';

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

/** For commands that only read: undefined when the database does not exist yet (nothing is created). */
export function openExistingForCli(dbFlag: string | undefined): { store: LabStore | undefined; path: string } {
  const { path } = resolveDbPath(dbFlag);
  if (inspectDbFile(path) === 'missing') return { store: undefined, path };
  return { store: openStoreForCli(dbFlag), path };
}

function withStore<T>(store: LabStore, fn: (s: LabStore) => T): T {
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
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
      out(opts.json ? JSON.stringify(sessions) : renderSessionList(path, sessions));
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
        out(opts.json ? JSON.stringify(s) : renderSessionShow(st.path, s));
      });
    });

  session
    .command('rm')
    .description('Delete a session with its hosts, runs, events and notes')
    .argument('<name>', 'session name')
    .option('--db <path>', DB_OPTION_HELP)
    .action((name: string, opts: DbOptions) => {
      const { store, path } = openExistingForCli(opts.db);
      if (!store) noDb(path, `named '${name}'`);
      withStore(store, (st) => {
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
      const { store, path } = openExistingForCli(opts.db);
      if (!store) noDb(path, `named '${name}'`);
      withStore(store, (st) => {
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
          out(opts.json ? JSON.stringify(d) : renderRunDiff(d));
        } else if ('session' in ra && 'session' in rb) {
          const d = st.diffSessions(ra.session, rb.session);
          out(opts.json ? JSON.stringify(d) : renderSessionDiff(d));
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
    .requiredOption('-o, --out <file>', 'file to write')
    .option('-f, --force', 'overwrite the file if it exists')
    .option('--db <path>', DB_OPTION_HELP)
    .action((name: string, opts: DbOptions & { out: string; force?: boolean }) => {
      const { store, path } = openExistingForCli(opts.db);
      if (!store) noDb(path, `named '${name}'`);
      withStore(store, (st) => {
        if (existsSync(opts.out) && !opts.force)
          throw new InputError(`${opts.out}: already exists; use --force to overwrite it`);
        const text = JSON.stringify(st.exportSession(name)) + '\n';
        // Write beside the target, then rename: a failure never leaves half a file.
        const tmp = `${opts.out}.tmp-${process.pid}`;
        try {
          writeFileSync(tmp, text);
          renameSync(tmp, opts.out);
        } catch (e) {
          rmSync(tmp, { force: true });
          throw new InputError(
            `${opts.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          );
        }
        const bytes = Buffer.byteLength(text);
        st.recordExport(name, opts.out, bytes);
        out(`exported session '${name}' to ${opts.out} (${bytes} bytes)`);
      });
    });

  session
    .command('import')
    .description('Add a session from an export file (never replaces an existing session)')
    .argument('<file>', 'export file written by tdx-lab session export')
    .option('--rename <name>', 'import under this name instead of the one in the file')
    .option('--db <path>', DB_OPTION_HELP)
    .action((file: string, opts: DbOptions & { rename?: string }) => {
      // Read and parse before opening the database: bad files never touch it.
      const doc = parseJsonText(file, readTextFile(file));
      withStore(openStoreForCli(opts.db), (st) => {
        const s = st.importSession(file, doc, opts.rename);
        out(
          `imported session '${s.name}' (#${s.id}: ${s.runCount} runs, ${s.hostCount} hosts, ${s.noteCount} notes) into ${st.path}`,
        );
      });
    });
}
