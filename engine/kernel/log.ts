/**
 * The kernel's printed lines as a structured log. `text` is exactly what
 * dmesg shows after the timestamp, without the trailing newline.
 */
export type LogLevel = 'err' | 'warn' | 'info' | 'debug';

export interface LogLine {
  level: LogLevel;
  /** Subsystem prefix as printed: `virt/tdx`, `kvm_intel`, ... */
  prefix: string;
  text: string;
}

export type KernelLog = LogLine[];

export function tdxLine(level: LogLevel, message: string): LogLine {
  return { level, prefix: 'virt/tdx', text: `virt/tdx: ${message}` };
}
