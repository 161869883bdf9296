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

/**
 * What each printk level means to someone reading a captured dmesg. pr_debug
 * call sites are compiled out unless the file defines DEBUG, or stay off
 * under CONFIG_DYNAMIC_DEBUG until `dyndbg=` or debugfs turns them on: a
 * default dmesg never holds them (e.g. mm/memory_hotplug.c's online_pages
 * failure line). Every other level reaches the ring buffer.
 */
export const PRINTK_LEVELS: Readonly<Record<LogLevel, { macro: string; inDefaultDmesg: boolean }>> = {
  err: { macro: 'pr_err', inDefaultDmesg: true },
  warn: { macro: 'pr_warn', inDefaultDmesg: true },
  info: { macro: 'pr_info', inDefaultDmesg: true },
  debug: { macro: 'pr_debug', inDefaultDmesg: false },
};
