/**
 * One line for a failed native build, read from the build's log: the usual
 * causes first (no network for Electron's headers or a prebuilt binary, no
 * C++ toolchain), else the log's last error line.
 */
const CAUSES: [RegExp, string][] = [
  [
    /network connectivity|fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|socket hang up|Could not resolve host|self[- ]signed certificate/i,
    "could not download Electron's headers or a prebuilt binary (no network access to electronjs.org and github.com?)",
  ],
  [/not found: make\b|make: (command )?not found/i, 'no `make`: install a C++ toolchain (Debian: build-essential)'],
  [/find Python|Could not find any Python/i, 'no Python 3 for node-gyp: install python3'],
  [
    /(^|[\s/])(g\+\+|c\+\+|cc|clang\+\+)(?=[:\s])[^\n]*not found|not found: (g\+\+|c\+\+)|install the latest version of Visual Studio|xcrun: error/im,
    'no C++ compiler: install a C++ toolchain (Debian: build-essential; macOS: Xcode command line tools; Windows: Visual Studio Build Tools)',
  ],
];

export function explainBuildFailure(log: string): string {
  for (const [re, why] of CAUSES) if (re.test(log)) return why;
  const lines = log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /error|ERR!|failed/i.test(l) && !/^at /.test(l));
  const last = lines[lines.length - 1];
  if (!last) return 'the build failed';
  return last.length > 240 ? `${last.slice(0, 240)}…` : last;
}
