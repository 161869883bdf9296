/**
 * Every `tdx-lab` subcommand, in the order `--help` lists them. A command
 * module exports `register(program)`; add one line here for a new one.
 */
import type { Command } from 'commander';
import { register as plan } from './plan.js';
import { register as importCmd } from './import.js';
import { register as check } from './check.js';
import { register as record } from './record.js';
import { register as simulate } from './simulate.js';
import { register as serve } from './serve.js';
import { register as sweep } from './sweep.js';
import { register as report } from './report.js';
import { register as session } from './session.js';

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  plan,
  importCmd,
  check,
  record,
  simulate,
  serve,
  sweep,
  report,
  session,
];
