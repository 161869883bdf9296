/**
 * In-place stable sort, as Array.prototype.sort (stable since ES2019), for
 * the short lists a plan sorts dozens of times per host (reserved areas,
 * PAMT ranges, nodes): below SMALL elements an insertion sort that allocates
 * nothing, since the built-in allocates its sort state and a work copy on
 * every call, a sweep's largest source of garbage after the plan itself.
 * Same order as the built-in for any comparator that is a consistent order.
 */
const SMALL = 24;

export function sortInPlace<T>(a: T[], cmp: (x: T, y: T) => number): T[] {
  const n = a.length;
  if (n > SMALL) return a.sort(cmp);
  for (let i = 1; i < n; i++) {
    const x = a[i];
    let j = i - 1;
    // Strictly greater moves right: equal elements keep their order (stable).
    while (j >= 0 && cmp(a[j], x) > 0) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
  return a;
}
