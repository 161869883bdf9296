/** The --db option's help, shared by every command that records or reads the notebook (no store code loaded). */
export const DB_OPTION_HELP = 'lab notebook database file (default: $TDX_LAB_DB, else the per-user data folder)';
