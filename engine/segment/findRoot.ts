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
