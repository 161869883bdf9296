/** `numactl -H`: the nodes, their CPUs and memory sizes (no addresses). */
import type { ArtifactFacts } from './facts.js';

export class NumactlParser {
  constructor(private readonly facts: ArtifactFacts) {}

  line(raw: string): void {
    const s = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^node (\d+) cpus:(.*)$/.exec(s))) {
      this.facts.nodeCpus.set(Number(m[1]), m[2].trim() === '' ? [] : m[2].trim().split(/\s+/).map(Number));
    } else if ((m = /^node (\d+) size: (\d+) MB$/.exec(s))) {
      this.facts.nodeSizesMb.set(Number(m[1]), Number(m[2]));
    }
  }

  finish(): void {}
}
