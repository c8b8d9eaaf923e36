// A tree layout in linear time for big graphs: a breadth-first tree from the root; each node's leaves fill a
// sunflower disk around it and its sub-trees sit on a ring outside, spaced by their size. Force layouts stall at
// thousands of nodes; this stays compact (a star of 800 leaves is a disk, not a huge circle).

export interface Point {
  x: number;
  y: number;
}

/** Positions for every node id; nodes not reached from `root` start trees of their own, placed to the right. */
export function treeLayout(ids: string[], edges: [string, string][], root: string | null, spacing = 28) {
  const adjacent = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [a, b] of edges) {
    if (a === b || !adjacent.has(a) || !adjacent.has(b)) continue;
    adjacent.get(a)?.push(b);
    adjacent.get(b)?.push(a);
  }
  const positions = new Map<string, Point>();
  const placed = new Set<string>();
  const starts = root && adjacent.has(root) ? [root, ...ids] : ids;
  let offsetX = 0;
  let tallest = 0;
  const singles: string[] = [];
  for (const start of starts) {
    if (placed.has(start)) continue;
    const tree = bfsTree(start, adjacent, placed);
    if (tree.order.length === 1) {
      singles.push(start);
      continue;
    }
    const radius = placeTree(tree, positions, offsetX, spacing);
    offsetX += 2 * radius + spacing * 4;
    tallest = Math.max(tallest, radius);
  }
  // Unlinked nodes: a square grid below the trees.
  const side = Math.ceil(Math.sqrt(singles.length));
  singles.forEach((id, i) => {
    positions.set(id, { x: (i % side) * spacing, y: tallest + spacing * 4 + Math.floor(i / side) * spacing });
  });
  return positions;
}

interface Tree {
  order: string[];
  children: Map<string, string[]>;
}

function bfsTree(start: string, adjacent: Map<string, string[]>, placed: Set<string>): Tree {
  const order = [start];
  const children = new Map<string, string[]>();
  placed.add(start);
  for (let i = 0; i < order.length; i++) {
    const at = order[i] as string;
    const kids: string[] = [];
    for (const next of adjacent.get(at) ?? []) {
      if (placed.has(next)) continue;
      placed.add(next);
      kids.push(next);
      order.push(next);
    }
    children.set(at, kids);
  }
  return { order, children };
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/**
 * Places one tree with its root at (offsetX + radius, 0); returns its radius. Leaf children fill a sunflower disk
 * around their parent; children with children of their own sit on a ring outside that disk, spaced by their size.
 */
function placeTree(tree: Tree, positions: Map<string, Point>, offsetX: number, spacing: number): number {
  const { order, children } = tree;
  const radius = new Map<string, number>();
  const disk = new Map<string, number>();
  const ring = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i] as string;
    const kids = children.get(id) ?? [];
    const leaves = kids.filter((k) => (children.get(k) ?? []).length === 0).length;
    const d = leaves ? spacing * Math.sqrt(leaves + 1) : spacing / 2;
    const branches = kids.filter((k) => (children.get(k) ?? []).length > 0).map((k) => radius.get(k) ?? 0);
    let r = d;
    if (branches.length) {
      const widest = Math.max(...branches);
      const around = branches.reduce((n, b) => n + 2 * b + spacing, 0) / (2 * Math.PI);
      const at = Math.max(d + widest + spacing, around);
      ring.set(id, at);
      r = at + widest;
    }
    disk.set(id, d);
    radius.set(id, r);
  }
  const root = order[0] as string;
  const total = radius.get(root) ?? 0;
  positions.set(root, { x: offsetX + total, y: 0 });
  for (const id of order) {
    const at = positions.get(id) as Point;
    const kids = children.get(id) ?? [];
    let leafIndex = 0;
    const branchKids = kids.filter((k) => (children.get(k) ?? []).length > 0);
    const circumference = branchKids.reduce((n, k) => n + 2 * (radius.get(k) ?? 0) + spacing, 0);
    let angle = 0;
    for (const k of kids) {
      if ((children.get(k) ?? []).length === 0) {
        leafIndex++;
        const r = spacing * Math.sqrt(leafIndex) * 0.9;
        const a = leafIndex * GOLDEN_ANGLE;
        positions.set(k, { x: at.x + r * Math.cos(a), y: at.y + r * Math.sin(a) });
      } else {
        const share = ((2 * (radius.get(k) ?? 0) + spacing) / circumference) * 2 * Math.PI;
        const a = angle + share / 2;
        angle += share;
        const r = ring.get(id) ?? 0;
        positions.set(k, { x: at.x + r * Math.cos(a), y: at.y + r * Math.sin(a) });
      }
    }
  }
  return total;
}
