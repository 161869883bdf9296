/** An error the CLI reports as one line and an exit code (2: bad input or usage). */
export class InputError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
