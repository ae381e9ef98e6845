import type { Mesh } from './Mesh.js';
import { manifoldDefects } from './meshChecks.js';

/**
 * Makes a closed, oriented mesh whose only faults are pinches manifold again, by giving each
 * sheet that meets at a pinch its own copy of the vertices there. meshoptimizer's edge
 * collapses do not check the link condition, so on voxel surfaces they now and then squeeze
 * two sheets together: into a "fin" (one triangle twice, back to back, which encloses nothing
 * and is dropped), onto one edge (four triangles on it), or onto one vertex (two fans around it).
 *
 * At an edge with 2k triangles, each a → b triangle is paired with a b → a one: the one next to
 * it around the edge across the neuron's inside, as if the sheets had stopped just short of
 * touching (the 6-connected reading marching cubes uses); then, where a fan around a vertex
 * still passes one neighbour twice, pairings are swapped to cut it in two. Every vertex gets one
 * copy per fan of triangles around it. Copies share a position: shape and volume do not change.
 *
 * Some faults cannot be repaired so, such as an edge with more triangles in one direction than
 * the other (a flipped triangle, which meshoptimizer also makes, a few times in five million
 * triangles). Then `mesh` is absent and `faults` names the vertices at them.
 */
export function repairManifold(mesh: Mesh): { mesh?: Mesh; faults: number[] } {
  const indices = withoutFins(mesh.indices);
  const { positions } = mesh;
  const vertices = positions.length / 3;
  const head = (corner: number) => indices[corner - (corner % 3) + ((corner + 1) % 3)]!;
  // Each vertex's outgoing edges (as the corners they start at), to find an edge's reverse.
  const start = new Uint32Array(vertices + 1);
  for (const v of indices) start[v + 1]!++;
  for (let v = 0; v < vertices; v++) start[v + 1]! += start[v]!;
  const outgoing = new Uint32Array(indices.length);
  const fill = start.slice(0, vertices);
  for (let corner = 0; corner < indices.length; corner++) outgoing[fill[indices[corner]!]!++] = corner;
  const edges = (from: number, to: number) => {
    const found: number[] = [];
    for (let s = start[from]!; s < start[from + 1]!; s++) if (head(outgoing[s]!) === to) found.push(outgoing[s]!);
    return found;
  };
  // partner[corner]: the corner whose edge is this corner's edge reversed, in the paired triangle.
  const partner = new Int32Array(indices.length).fill(-1);
  const pinched: { ends: [number, number]; around: number[]; forward: Set<number> }[] = [];
  const faults = new Set<number>();
  for (let corner = 0; corner < indices.length; corner++) {
    if (partner[corner] !== -1) continue;
    const a = indices[corner]!;
    const b = head(corner);
    const forward = edges(a, b);
    const backward = edges(b, a);
    if (forward.length !== backward.length) {
      faults.add(a).add(b);
      for (const unpaired of forward) partner[unpaired] = -2; // seen, not paired
    } else if (forward.length === 1) {
      partner[corner] = backward[0]!;
      partner[backward[0]!] = corner;
    } else {
      const edge = { ends: [a, b] as [number, number], around: sortAroundEdge(forward, backward, indices, positions), forward: new Set(forward) };
      pinched.push(edge);
      pair(edge, partner);
    }
  }
  if (faults.size > 0) return { faults: [...faults] };
  const touched = new Set(pinched.flatMap((edge) => edge.ends));
  for (const v of touched) separateFans(outgoing.subarray(start[v]!, start[v + 1]!), indices, partner);
  return splitFans(indices, positions, partner);
}

/**
 * Re-pairs the pinched edges at vertex v until none of its fans passes the same neighbour
 * twice: swapping the pairings at two such passes cuts the fan in two. (A fan at the neighbour
 * may then pass v twice, but through two different copies of v, which is fine.)
 */
function separateFans(corners: Uint32Array, indices: Uint32Array, partner: Int32Array): void {
  // The corner of the edge y → v in the triangle of corner c (v, x, y).
  const incoming = (c: number) => c - (c % 3) + ((c + 2) % 3);
  for (let guard = 0; guard < corners.length; guard++) {
    const seen = new Set<number>();
    let repeat: [number, number] | undefined;
    for (const first of corners) {
      if (seen.has(first)) continue;
      // Spokes of this fan: the neighbour y, by the incoming corner at which it is passed.
      const passes = new Map<number, number>();
      let at = first;
      do {
        seen.add(at);
        const edge = incoming(at);
        const y = indices[edge]!;
        const earlier = passes.get(y);
        if (earlier !== undefined) {
          repeat = [earlier, edge];
          break;
        }
        passes.set(y, edge);
        at = partner[edge]!;
      } while (at !== first && at >= 0);
      if (repeat) break;
    }
    if (!repeat) return;
    const [one, two] = repeat;
    const [mateOne, mateTwo] = [partner[one]!, partner[two]!];
    partner[one] = mateTwo;
    partner[mateTwo] = one;
    partner[two] = mateOne;
    partner[mateOne] = two;
  }
}

/**
 * The corners on one pinched edge, by angle around it. An outward a → b triangle has the
 * neuron's inside on its clockwise side and a b → a one on its anticlockwise side, so where
 * the sheets lie as they should the directions alternate around the edge.
 */
function sortAroundEdge(forward: number[], backward: number[], indices: Uint32Array, positions: Float32Array): number[] {
  const point = (v: number) => [positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!];
  const first = forward[0]!;
  const pa = point(indices[first]!);
  const pb = point(indices[first - (first % 3) + ((first + 1) % 3)]!);
  const d = normalize(pb.map((value, axis) => value - pa[axis]!));
  // Two directions across the edge: any vector not along it crossed with it, then the cross product.
  const e1 = normalize(cross(d, Math.abs(d[0]!) < 0.9 ? [1, 0, 0] : [0, 1, 0]));
  const e2 = cross(d, e1);
  const angle = (corner: number) => {
    const w = point(indices[corner - (corner % 3) + ((corner + 2) % 3)]!).map((value, axis) => value - pa[axis]!);
    return Math.atan2(dot(w, e2), dot(w, e1));
  };
  return [...forward, ...backward].map((corner) => ({ corner, angle: angle(corner) })).sort((p, q) => p.angle - q.angle).map(({ corner }) => corner);
}

/**
 * Pairs each b → a corner on a pinched edge with the a → b one next to it anticlockwise around
 * the edge, across the inside. If the directions do not alternate (nearly coplanar triangles),
 * in any order: every pairing closes the mesh, and separateFans fixes what it must.
 */
function pair(edge: { around: number[]; forward: Set<number> }, partner: Int32Array): void {
  const { around, forward } = edge;
  const count = around.length;
  const alternates = around.every((corner, n) => forward.has(corner) !== forward.has(around[(n + 1) % count]!));
  const free = [...forward];
  around.forEach((corner, n) => {
    if (forward.has(corner)) return;
    const mate = alternates ? around[(n + 1) % count]! : free.pop()!;
    partner[corner] = mate;
    partner[mate] = corner;
  });
}

/** One vertex copy per fan of triangles around each vertex, the fans following `partner`. */
function splitFans(indices: Uint32Array, positions: Float32Array, partner: Int32Array): { mesh?: Mesh; faults: number[] } {
  const vertices = positions.length / 3;
  const vertexOf = new Int32Array(indices.length).fill(-1);
  const copies: number[] = [];
  const used = new Uint8Array(vertices);
  let next = vertices;
  for (let corner = 0; corner < indices.length; corner++) {
    if (vertexOf[corner]! >= 0) continue;
    const v = indices[corner]!;
    let copy = v;
    if (used[v]) {
      copy = next++;
      copies.push(v);
    }
    used[v] = 1;
    // Around v, triangle (v, x, y) continues across y → v into the triangle holding v → y.
    let at = corner;
    do {
      vertexOf[at] = copy;
      at = partner[at - (at % 3) + ((at + 2) % 3)]!;
    } while (at !== corner && vertexOf[at]! < 0);
    if (at !== corner) return { faults: [v] };
  }
  const split = new Float32Array(next * 3);
  split.set(positions);
  copies.forEach((v, n) => split.set(positions.subarray(v * 3, v * 3 + 3), (vertices + n) * 3));
  const mesh = { positions: split, indices: Uint32Array.from(vertexOf) };
  // A fan that passes one neighbour twice is still a fault; name the original vertices.
  const faults = manifoldDefects(mesh).map((v) => (v < vertices ? v : copies[v - vertices]!));
  return faults.length === 0 ? { mesh, faults } : { faults: [...new Set(faults)] };
}

/** The triangles without pairs that use the same three vertices (back-to-back fins). */
function withoutFins(indices: Uint32Array): Uint32Array {
  const seen = new Map<string, number>();
  const drop = new Uint8Array(indices.length / 3);
  for (let t = 0; t < indices.length; t += 3) {
    const key = [indices[t]!, indices[t + 1]!, indices[t + 2]!].sort((p, q) => p - q).join(' ');
    const twin = seen.get(key);
    if (twin === undefined) {
      seen.set(key, t / 3);
    } else {
      drop[twin] = drop[t / 3] = 1;
      seen.delete(key);
    }
  }
  const kept = new Uint32Array(indices.length - 3 * drop.reduce((sum, value) => sum + value, 0));
  let at = 0;
  for (let t = 0; t < indices.length; t += 3) {
    if (drop[t / 3]) continue;
    kept.set(indices.subarray(t, t + 3), at);
    at += 3;
  }
  return kept;
}

function cross(u: number[], v: number[]): number[] {
  return [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
}

function dot(u: number[], v: number[]): number {
  return u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
}

function normalize(u: number[]): number[] {
  const length = Math.hypot(u[0]!, u[1]!, u[2]!) || 1;
  return u.map((value) => value / length);
}
