/**
 * The marching cubes case table, built at load time from one rule instead of typed in, so that
 * every case is consistent with its neighbours by construction (see README.md):
 *
 * - On each cube face, the crossing points are joined so that inside corners are kept apart
 *   ("separate inside" on the ambiguous faces: the mask is treated as 6-connected). The rule
 *   depends only on the face's four corners, so the two cubes sharing a face draw the same
 *   segments there, which is what makes the surface closed.
 * - The segments on the six faces form closed loops; each loop becomes one polygon, oriented so
 *   that its normal points from inside to outside.
 * - A polygon is cut into triangles only along diagonals whose two ends lie on no common cube
 *   face: such a diagonal cannot belong to any other cube, so every mesh edge is shared by exactly
 *   two triangles. Every polygon of the 256 cases has such a triangulation (checked as the table
 *   is built), so no extra vertices are needed.
 *
 * Corners are numbered x + 2y + 4z; the 12 edges are ordered by axis (x edges, then y, then z).
 */

/** One cube edge: its axis and the offset of its lower corner in the cube. */
export interface CubeEdge {
  axis: 0 | 1 | 2;
  dx: number;
  dy: number;
  dz: number;
}

export interface MarchingCubesTable {
  edges: readonly CubeEdge[];
  /** For each of the 256 cases, its triangles as cube edges (0-11), three per triangle. */
  triangles: Int8Array;
  /** Start of case c's edges in `triangles` (257 entries). */
  start: Uint16Array;
}

const CORNERS: readonly (readonly [number, number, number])[] = Array.from({ length: 8 }, (_, c) => [c & 1, (c >> 1) & 1, (c >> 2) & 1] as const);

function buildEdges(): { edges: CubeEdge[]; edgeOf: Map<number, number> } {
  const edges: CubeEdge[] = [];
  const edgeOf = new Map<number, number>();
  for (const axis of [0, 1, 2] as const) {
    for (let corner = 0; corner < 8; corner++) {
      if (corner & (1 << axis)) continue;
      const other = corner | (1 << axis);
      edgeOf.set(corner * 8 + other, edges.length).set(other * 8 + corner, edges.length);
      const [dx, dy, dz] = CORNERS[corner]!;
      edges.push({ axis, dx, dy, dz });
    }
  }
  return { edges, edgeOf };
}

/** The six faces, each as its four corners counter-clockwise seen from outside the cube. */
function buildFaces(): number[][] {
  const faces: number[][] = [];
  for (let axis = 0; axis < 3; axis++) {
    // (u, v, axis) is a right-handed frame, so (0,0) (1,0) (1,1) (0,1) in (u, v) turns about +axis.
    const u = (axis + 1) % 3;
    const v = (axis + 2) % 3;
    for (const side of [0, 1]) {
      const square = [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ].map(([a, b]) => (side << axis) | (a! << u) | (b! << v));
      faces.push(side === 1 ? square : square.reverse());
    }
  }
  return faces;
}

/** For one case: next[exit edge] = the entry edge it is joined to, walking with inside on the left. */
function loopSuccessors(config: number, faces: number[][], edgeOf: Map<number, number>): Map<number, number> {
  const inside = (corner: number) => ((config >> corner) & 1) === 1;
  const next = new Map<number, number>();
  for (const face of faces) {
    for (let k = 0; k < 4; k++) {
      const from = face[k]!;
      const to = face[(k + 1) % 4]!;
      if (!inside(from) || inside(to)) continue;
      // Walk back over this run of inside corners to the edge where the boundary walk entered it.
      let j = k;
      while (inside(face[(j + 3) % 4]!)) j = (j + 3) % 4;
      const exit = edgeOf.get(from * 8 + to)!;
      const entry = edgeOf.get(face[(j + 3) % 4]! * 8 + face[j]!)!;
      if (next.has(exit)) throw new Error(`marching cubes table: edge ${exit} leaves two faces in case ${config}`);
      next.set(exit, entry);
    }
  }
  return next;
}

function loops(next: Map<number, number>, config: number): number[][] {
  const result: number[][] = [];
  const seen = new Set<number>();
  for (const first of next.keys()) {
    if (seen.has(first)) continue;
    const loop: number[] = [];
    let edge = first;
    do {
      seen.add(edge);
      loop.push(edge);
      const following = next.get(edge);
      if (following === undefined) throw new Error(`marching cubes table: open loop at edge ${edge} in case ${config}`);
      edge = following;
    } while (edge !== first);
    result.push(loop);
  }
  return result;
}

/**
 * The lightest triangulation of `polygon` (in its own order) whose diagonals join edges on no
 * common face, or undefined when there is none.
 */
function safeTriangulation(polygon: number[], edgeFaces: number[][], midpoints: number[][]): number[][] | undefined {
  const n = polygon.length;
  const allowed = (a: number, b: number): boolean => {
    if ((b - a + n) % n === 1 || (a - b + n) % n === 1) return true; // a side of the polygon
    const fa = edgeFaces[polygon[a]!]!;
    return !edgeFaces[polygon[b]!]!.some((face) => fa.includes(face));
  };
  const length = (a: number, b: number) => Math.hypot(...midpoints[polygon[a]!]!.map((value, axis) => value - midpoints[polygon[b]!]![axis]!));
  // cost[i][j]: lightest triangulation of the sub-polygon i..j (j - i >= 2), Infinity when impossible.
  const cost = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const apex = Array.from({ length: n }, () => new Array<number>(n).fill(-1));
  for (let span = 2; span < n; span++) {
    for (let i = 0; i + span < n; i++) {
      const j = i + span;
      cost[i]![j] = Infinity;
      for (let k = i + 1; k < j; k++) {
        if (!allowed(i, k) || !allowed(k, j)) continue;
        const total = cost[i]![k]! + cost[k]![j]! + (k - i > 1 ? length(i, k) : 0) + (j - k > 1 ? length(k, j) : 0);
        if (total < cost[i]![j]!) {
          cost[i]![j] = total;
          apex[i]![j] = k;
        }
      }
    }
  }
  if (cost[0]![n - 1] === Infinity) return undefined;
  const triangles: number[][] = [];
  const collect = (i: number, j: number) => {
    if (j - i < 2) return;
    const k = apex[i]![j]!;
    triangles.push([polygon[i]!, polygon[k]!, polygon[j]!]);
    collect(i, k);
    collect(k, j);
  };
  collect(0, n - 1);
  return triangles;
}

function buildTable(): MarchingCubesTable {
  const { edges, edgeOf } = buildEdges();
  const faces = buildFaces();
  const edgeFaces = edges.map((_, e) => faces.map((face, f) => (face.some((c, k) => edgeOf.get(c * 8 + face[(k + 1) % 4]!) === e) ? f : -1)).filter((f) => f >= 0));
  const midpoints = edges.map((edge) => [edge.dx, edge.dy, edge.dz].map((value, axis) => (axis === edge.axis ? 0.5 : value)));
  const slots: number[] = [];
  const start = new Uint16Array(257);
  for (let config = 0; config < 256; config++) {
    start[config] = slots.length;
    // Loops run with inside on the left seen from outside the cube, so their normal points into
    // the inside; reversed, it points out.
    for (const loop of loops(loopSuccessors(config, faces, edgeOf), config).map((l) => l.reverse())) {
      const triangles = safeTriangulation(loop, edgeFaces, midpoints);
      if (!triangles) throw new Error(`marching cubes table: no safe triangulation of polygon ${loop.join(' ')} in case ${config}`);
      for (const triangle of triangles) slots.push(...triangle);
    }
  }
  start[256] = slots.length;
  return { edges, triangles: Int8Array.from(slots), start };
}

export const MARCHING_CUBES_TABLE: MarchingCubesTable = buildTable();
