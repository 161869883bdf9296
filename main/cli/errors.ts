/** Exit codes the CLI uses everywhere. */
export const EXIT_OK = 0;
/** The emulated kernel/module failed the way the real one would. */
export const EXIT_TDX_FAILED = 1;
/** Bad input or usage. */
export const EXIT_BAD_INPUT = 2;
