/**
 * Every `tdx-lab` subcommand, in the order `--help` lists them. A command
 * module exports `register(program)`; add one line here for a new one.
 * Modules are loaded on demand: a run of one command loads only that
 * command's module (cli/index.ts), so `plan` never pays for SQLite, the
 * worker pool or the report renderer.
 */
import type { Command } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

export const COMMANDS: ReadonlyArray<{ name: string; load: () => Promise<CommandModule> }> = [
  { name: 'plan', load: () => import('./plan.js') },
  { name: 'import', load: () => import('./import.js') },
  { name: 'check', load: () => import('./check.js') },
  { name: 'record', load: () => import('./record.js') },
  { name: 'simulate', load: () => import('./simulate.js') },
  { name: 'serve', load: () => import('./serve.js') },
  { name: 'sweep', load: () => import('./sweep.js') },
  { name: 'report', load: () => import('./report.js') },
  { name: 'session', load: () => import('./session.js') },
];
