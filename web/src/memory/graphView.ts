// The graph canvas: cytoscape (loaded on first use, so it stays out of the main bundle), elements merged by id,
// a force layout for small views and a linear tree layout for thousands of nodes, tap to select, find by name.
import type { Core, ElementDefinition } from 'cytoscape';
import { t } from '../i18n/index.ts';
import type { GraphNode, Subgraph } from './api.ts';
import { treeLayout } from './graphLayout.ts';

/** Above this many nodes the force layout is too slow to run in the page: the tree layout takes over. */
const FORCE_MAX = 150;
const COLORS: Record<GraphNode['label'], string> = { Entity: '#2563eb', Memory: '#d97706', File: '#059669' };

export interface GraphView {
  /** Replaces (or with merge adds to) what is shown; answers the counts now on the canvas. */
  show(graph: Subgraph, opts: { merge: boolean; root?: string }): { nodes: number; edges: number };
  /** Selects and centres the first node whose name (or path) is `name`, case aside; false when none is. */
  find(name: string): boolean;
  destroy(): void;
}

function labelOf(n: GraphNode): string {
  if (n.label === 'Entity') return n.name ?? '';
  if (n.label === 'File') return (n.path ?? '').split(/[\\/]/).pop() ?? '';
  return t('memory.graph.memoryNode');
}

export async function createGraphView(
  container: HTMLElement,
  onSelect: (node: GraphNode | null) => void,
): Promise<GraphView> {
  const cytoscape = (await import('cytoscape')).default;
  const nodes = new Map<string, GraphNode>();
  const edges = new Set<string>();
  let root: string | null = null;
  const cy: Core = cytoscape({
    container,
    pixelRatio: 1,
    hideEdgesOnViewport: true,
    motionBlur: false,
    minZoom: 0.02,
    maxZoom: 4,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(color)',
          label: 'data(label)',
          width: 14,
          height: 14,
          'font-size': 10,
          color: '#6b7280',
          'text-valign': 'bottom',
          'text-margin-y': 2,
          'min-zoomed-font-size': 7,
        },
      },
      { selector: 'node[kind = "Memory"]', style: { shape: 'round-rectangle' } },
      { selector: 'node[kind = "File"]', style: { shape: 'diamond' } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#dc2626', width: 20, height: 20 } },
      {
        selector: 'edge',
        style: {
          'curve-style': 'haystack',
          width: 1,
          'line-color': '#9ca3af',
          opacity: 0.7,
          label: 'data(label)',
          'font-size': 8,
          color: '#9ca3af',
          'min-zoomed-font-size': 9,
        },
      },
      { selector: 'edge[kind = "MENTIONS"]', style: { 'line-style': 'dashed', 'line-color': '#f59e0b' } },
      { selector: 'edge[kind = "CONTAINS"]', style: { 'line-style': 'dotted', 'line-color': '#10b981' } },
    ],
  });
  cy.on('tap', 'node', (e) => onSelect(nodes.get(e.target.id()) ?? null));
  cy.on('tap', (e) => {
    if (e.target === cy) onSelect(null);
  });

  const layout = () => {
    if (nodes.size <= FORCE_MAX) {
      cy.layout({ name: 'cose', animate: false, numIter: 600, randomize: true, nodeRepulsion: () => 6000 }).run();
      return;
    }
    const pairs = cy.edges().map((e) => [e.source().id(), e.target().id()] as [string, string]);
    const at = treeLayout([...nodes.keys()], pairs, root);
    cy.layout({ name: 'preset', positions: Object.fromEntries(at) }).run();
  };

  return {
    show(graph, opts) {
      cy.batch(() => {
        if (!opts.merge) {
          cy.elements().remove();
          nodes.clear();
          edges.clear();
          root = null;
        }
        root ??= opts.root ?? graph.nodes[0]?.id ?? null;
        const add: ElementDefinition[] = [];
        for (const n of graph.nodes) {
          if (nodes.has(n.id)) continue;
          nodes.set(n.id, n);
          add.push({ group: 'nodes', data: { id: n.id, label: labelOf(n), kind: n.label, color: COLORS[n.label] } });
        }
        for (const e of graph.edges) {
          const key = `${e.from}\u0000${e.to}\u0000${e.kind}\u0000${e.type ?? ''}`;
          if (edges.has(key) || !nodes.has(e.from) || !nodes.has(e.to)) continue;
          edges.add(key);
          const label = e.kind === 'RELATES' ? (e.type ?? '') : '';
          add.push({
            group: 'edges',
            data: { id: `e${edges.size}`, source: e.from, target: e.to, kind: e.kind, label },
          });
        }
        cy.add(add);
      });
      layout();
      cy.fit(undefined, 20);
      // A handful of nodes would fill the screen: keep them at a readable size.
      if (cy.zoom() > 1.5) cy.zoom({ level: 1.5, position: centreOf(cy) });
      return { nodes: nodes.size, edges: edges.size };
    },
    find(name) {
      const want = name.trim().toLowerCase();
      const hit = [...nodes.values()].find(
        (n) => (n.name ?? n.path ?? '').toLowerCase() === want || n.id.toLowerCase() === want,
      );
      if (!hit) return false;
      const el = cy.getElementById(hit.id);
      cy.elements(':selected').unselect();
      el.select();
      cy.animate({ center: { eles: el }, zoom: Math.max(cy.zoom(), 1) }, { duration: 200 });
      onSelect(hit);
      return true;
    },
    destroy: () => cy.destroy(),
  };
}

function centreOf(cy: Core) {
  const b = cy.elements().boundingBox();
  return { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 };
}
