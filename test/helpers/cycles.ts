/** A directed graph: each node's successors, each edge with the evidence for it (e.g. the file import behind it). */
export type Graph = Map<string, Map<string, string[]>>;

/** Adds the edge from → to with one piece of evidence. */
export function addEdge(graph: Graph, from: string, to: string, why: string): void {
  let out = graph.get(from);
  if (!out) graph.set(from, (out = new Map()));
  const list = out.get(to);
  if (list) list.push(why);
  else out.set(to, [why]);
}

/** The strongly connected components of more than one node (Tarjan's algorithm), each sorted by name. */
function tangles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** The shortest path from `start` back to itself inside `members` (breadth first), as its nodes, start first. */
function shortestLoop(graph: Graph, start: string, members: Set<string>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of [...(graph.get(v)?.keys() ?? [])].sort()) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0])!);
        return path;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

/**
 * One cycle per tangle of the graph, written `a -> b -> a` with the first evidence of each edge on the lines below
 * it; empty when the graph has no cycle.
 */
export function describeCycles(graph: Graph): string[] {
  return tangles(graph).map((component) => {
    const loop = shortestLoop(graph, component[0], new Set(component));
    const steps = loop.map((v, i) => {
      const next = loop[(i + 1) % loop.length];
      return `  ${v} -> ${next}: ${graph.get(v)!.get(next)![0]}`;
    });
    const more = component.length > loop.length ? ` (tangle: ${component.join(', ')})` : '';
    return `${[...loop, loop[0]].join(' -> ')}${more}\n${steps.join('\n')}`;
  });
}
