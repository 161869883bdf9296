/**
 * Builds JSON values from JsonScanner events with an explicit stack (no
 * recursion), so the streaming readers can materialize the small parts of a
 * document (a run's fields, one event) and stream the rest.
 */
import type { JsonSink } from './json-scan.js';

type Container = { obj: Record<string, unknown>; key: string } | { arr: unknown[] };

export class JsonValueBuilder implements JsonSink {
  private readonly stack: Container[] = [];
  private result: unknown;
  private hasResult = false;

  /** True once a whole value has been built. */
  get done(): boolean {
    return this.hasResult;
  }

  get built(): unknown {
    return this.result;
  }

  /** Open containers: 0 when the value is complete. */
  get depth(): number {
    return this.stack.length;
  }

  private put(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.result = v;
      this.hasResult = true;
    } else if ('arr' in top) top.arr.push(v);
    else if (top.key === '__proto__')
      // As JSON.parse does: an own property, never the prototype.
      Object.defineProperty(top.obj, top.key, { value: v, writable: true, enumerable: true, configurable: true });
    else top.obj[top.key] = v;
  }

  startObject(): void {
    const obj: Record<string, unknown> = {};
    this.put(obj);
    this.hasResult = false;
    this.stack.push({ obj, key: '' });
  }

  endObject(): void {
    this.stack.pop();
    if (this.stack.length === 0) this.hasResult = true;
  }

  startArray(): void {
    const arr: unknown[] = [];
    this.put(arr);
    this.hasResult = false;
    this.stack.push({ arr });
  }

  endArray(): void {
    this.stack.pop();
    if (this.stack.length === 0) this.hasResult = true;
  }

  key(name: string): void {
    (this.stack[this.stack.length - 1] as { key: string }).key = name;
  }

  value(v: string | number | boolean | null): void {
    this.put(v);
  }
}
