/** `tdx-lab serve [--port N]`: the app in a browser, on 127.0.0.1 only, guarded by a token. */
import type { Command } from 'commander';
import { InputError } from '../../node/input-file.js';
import { resolveDbPath } from '../../store/paths.js';

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535)
    throw new InputError(`--port: ${JSON.stringify(v)} is not a port number (0-65535)`);
  return n;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve the desktop app in your browser at http://127.0.0.1 (loopback only; the printed URL carries the access token)',
    )
    .option('-p, --port <n>', 'port to listen on (default: a free one)', parsePort)
    .option(
      '--db <path>',
      'the lab notebook (SQLite) whose sessions the app browses (default: TDX_LAB_DB, else the per-user notebook)',
    )
    .action(async (opts: { port?: number; db?: string }) => {
      const db = resolveDbPath(opts.db);
      let s;
      try {
        // The server pulls in the whole API (pool, store, reports): load it only for `serve`.
        const { startServer } = await import('../../serve/server.js');
        s = await startServer({ port: opts.port, storePath: db.path, storeCreateDir: db.isDefault });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new InputError(`--port ${opts.port}: already in use`);
        throw e;
      }
      process.stdout.write(
        `TDX Platform Lab is serving on ${s.url}\nOpen that URL (it carries the access token). Press Ctrl+C to stop.\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          void s.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
