#!/usr/bin/env node
/**
 * `tdx-lab`: the command-line face of the lab. Each subcommand lives in
 * commands/<name>.ts and exports `register(program)`.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../node/input-file.js';
import { setMaxInputSize } from '../node/input-limits.js';
import { writeMessage } from './output.js';
import { EXIT_BAD_INPUT } from './errors.js';
import { ENGINE_VERSION } from '../../engine/version.js';
import { COMMANDS } from './commands/index.js';

/**
 * The program with the commands `argv` needs: only the named command when
 * the first word is one (a run of `plan` loads nothing of the others), every
 * command otherwise (help, --version, a typo that needs suggestions).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('tdx-lab')
    .description("Plan, debug and explain how Intel TDX takes over a host's physical memory.")
    .version(ENGINE_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const named = COMMANDS.find((c) => c.name === argv[0]);
  for (const c of named ? [named] : COMMANDS) (await c.load()).register(program);
  // --max-input-size (on every command that reads files) applies to every file that command reads.
  program.hook('preAction', (_program, action) => {
    const v = action.opts().maxInputSize;
    setMaxInputSize(typeof v === 'number' ? v : undefined);
  });
  return program;
}

/** Runs the CLI; resolves to the exit code. Errors become one line on stderr. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    if (e instanceof InputError) {
      writeMessage(e.message);
      return e.exitCode;
    }
    writeMessage(`internal error: ${(e as Error)?.message ?? String(e)}`);
    if (process.env.TDX_LAB_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    return 70;
  }
}
