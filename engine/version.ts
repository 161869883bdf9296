/** The emulator's version, recorded with every run so results can be traced. */
export const ENGINE_VERSION = '0.1.0';
