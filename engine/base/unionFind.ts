/**
 * The root of `node` in a union-find forest stored as parent indices (a root is its own parent),
 * with path compression, so that repeated finds stay near constant time.
 */
export function findRoot(parent: Int32Array, node: number): number {
  let root = node;
  while (parent[root] !== root) root = parent[root]!;
  while (parent[node] !== root) {
    const next = parent[node]!;
    parent[node] = root;
    node = next;
  }
  return root;
}

/**
 * Joins the sets of `a` and `b`; the smaller root stays root, so a set's root is its smallest
 * member (labelling in index order meets every root before the rest of its set).
 */
export function union(parent: Int32Array, a: number, b: number): void {
  const rootA = findRoot(parent, a);
  const rootB = findRoot(parent, b);
  if (rootA < rootB) parent[rootB] = rootA;
  else if (rootB < rootA) parent[rootA] = rootB;
}
