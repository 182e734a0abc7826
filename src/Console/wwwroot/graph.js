// The workflow diagram: a model read from a definition's JSON (tolerant of invalid documents, so the editor can draw
// what it has), a layered left-to-right layout with foreach/loop bodies as nested groups, and an SVG string in which
// every node is a DOM element carrying its path and status. The server's export route
// (GET /api/workflows/{name}/diagram) draws with the same conventions.

const NODE_W = 176;
const NODE_H = 46;
const GAP_X = 96;
const GAP_Y = 22;
const PAD = 16;
const HEADER = 30;

const TYPES = ['http', 'activity', 'set', 'switch', 'foreach', 'loop', 'wait', 'event', 'workflow', 'fail'];

// ---- model ---------------------------------------------------------------------------------------------------------

/** Reads a definition object into scopes: {nodes: [{id, type, path, pointer, def, preds: [{id, label}], body}]}. */
export function buildModel(definition) {
  const nodes = definition && typeof definition === 'object' ? definition.nodes : null;
  return readScope(nodes, '', '/nodes');
}

function readScope(nodes, prefix, pointer) {
  const scope = { nodes: [], byId: new Map() };
  if (!nodes || typeof nodes !== 'object' || Array.isArray(nodes)) {
    return scope;
  }
  for (const [id, def] of Object.entries(nodes)) {
    const d = def && typeof def === 'object' ? def : {};
    const node = {
      id,
      type: typeof d.type === 'string' ? d.type : '?',
      path: prefix + id,
      pointer: pointer + '/' + escapePointer(id),
      def: d,
      preds: readRunAfter(d.runAfter),
      body: null,
    };
    if ((node.type === 'foreach' || node.type === 'loop') && d.body && typeof d.body === 'object') {
      node.body = readScope(d.body.nodes, node.path + '.', node.pointer + '/body/nodes');
    }
    scope.nodes.push(node);
    scope.byId.set(id, node);
  }
  return scope;
}

function readRunAfter(runAfter) {
  if (Array.isArray(runAfter)) {
    return runAfter.filter(p => typeof p === 'string').map(id => ({ id, label: '' }));
  }
  if (runAfter && typeof runAfter === 'object') {
    return Object.entries(runAfter).map(([id, outcomes]) => {
      const list = Array.isArray(outcomes) ? outcomes.filter(o => typeof o === 'string') : [];
      const label = list.length === 1 && list[0] === 'succeeded' ? '' : list.join(' | ');
      return { id, label };
    });
  }
  return [];
}

export function escapePointer(token) {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Every node of the model, depth first, in document order. */
export function allNodes(scope, out = []) {
  for (const node of scope.nodes) {
    out.push(node);
    if (node.body) {
      allNodes(node.body, out);
    }
  }
  return out;
}

/** The node a JSON pointer falls in (the deepest node whose pointer prefixes it), or null. */
export function nodeAtPointer(scope, pointer) {
  let found = null;
  for (const node of allNodes(scope)) {
    if (pointer === node.pointer || pointer.startsWith(node.pointer + '/')) {
      if (!found || node.pointer.length > found.pointer.length) {
        found = node;
      }
    }
  }
  return found;
}

// ---- layout --------------------------------------------------------------------------------------------------------

/**
 * Lays a scope out left to right by the rules of docs/workflow-format.md (Diagrams), as the server's diagram route
 * does: a node's layer is 1 + the largest layer of its predecessors (0 without any), and a layer's nodes are ordered
 * by the mean position of their predecessors. An edge that spans several layers also passes through a slot of its own
 * below the nodes of each layer between, so it never crosses a node. A foreach or loop node is a group as large as
 * its body's own layout. Coordinates are relative to the scope's origin.
 */
export function layout(scope) {
  const n = scope.nodes.length;
  const index = new Map(scope.nodes.map((node, i) => [node.id, i]));
  const layer = new Array(n).fill(-1);
  const visiting = new Array(n).fill(false);
  const layerOf = i => {
    if (layer[i] >= 0) {
      return layer[i];
    }
    if (visiting[i]) {
      return 0; // a cycle (the editor draws invalid documents too): break it here
    }
    visiting[i] = true;
    let l = 0;
    for (const pred of scope.nodes[i].preds) {
      const p = index.get(pred.id);
      if (p !== undefined && p !== i) {
        l = Math.max(l, layerOf(p) + 1);
      }
    }
    visiting[i] = false;
    layer[i] = l;
    return l;
  };
  const boxes = scope.nodes.map((node, i) => {
    const inner = node.body ? layout(node.body) : null;
    const w = inner ? Math.max(NODE_W, inner.width + 2 * PAD) : NODE_W;
    const h = inner ? inner.height + HEADER + PAD : NODE_H;
    return { node, inner, w, h, layer: layerOf(i), order: i, x: 0, y: 0, ins: [] };
  });

  // Edges, with a slot (a box without a node) in each layer a long edge crosses.
  const edges = [];
  const all = [...boxes];
  for (const box of boxes) {
    for (const pred of box.node.preds) {
      const from = boxes[index.get(pred.id)];
      if (!from || from === box) {
        continue;
      }
      const via = [];
      let previous = from;
      for (let l = from.layer + 1; l < box.layer; l++) {
        const slot = { node: null, inner: null, w: 0, h: 10, layer: l, order: all.length, x: 0, y: 0, ins: [previous] };
        all.push(slot);
        via.push(slot);
        previous = slot;
      }
      box.ins.push(previous);
      edges.push({ from, to: box, via, label: pred.label });
    }
  }

  // Node order, as the server's diagram route orders it: layer 0 in document order; each later layer by the mean
  // position of its nodes' predecessors, ties in document order (every predecessor is in an earlier layer, so one
  // pass settles it). The slots of long edges go below a layer's nodes, in the order of what leads into them.
  const layers = [];
  for (const box of boxes) {
    (layers[box.layer] ??= []).push(box);
  }
  const position = new Map();
  layers.forEach((column, l) => {
    if (!column) {
      return;
    }
    if (l > 0) {
      for (const box of column) {
        const preds = [...new Set(box.node.preds.map(p => boxes[index.get(p.id)]).filter(b => b && b !== box))];
        box.rank = preds.length ? preds.reduce((sum, b) => sum + position.get(b), 0) / preds.length : 0;
      }
      column.sort((a, b) => a.rank - b.rank || a.order - b.order);
    }
    column.forEach((box, i) => position.set(box, i));
  });
  const slotsOf = [];
  for (const box of all) {
    if (!box.node) {
      (slotsOf[box.layer] ??= []).push(box);
    }
  }
  slotsOf.forEach((slots, l) => {
    const column = (layers[l] ??= []);
    for (const slot of slots ?? []) {
      slot.rank = position.get(slot.ins[0]) ?? 0;
    }
    for (const slot of (slots ?? []).sort((a, b) => a.rank - b.rank || a.order - b.order)) {
      position.set(slot, column.length);
      column.push(slot);
    }
  });

  let x = 0;
  let height = 0;
  const columnHeight = column => column.reduce((sum, b) => sum + b.h, 0) + GAP_Y * Math.max(0, column.length - 1);
  const tallest = Math.max(0, ...layers.map(column => columnHeight(column ?? [])));
  for (const column of layers) {
    if (!column) {
      continue;
    }
    const width = Math.max(0, ...column.map(b => b.w));
    let y = (tallest - columnHeight(column)) / 2;
    for (const box of column) {
      box.x = x + (width - box.w) / 2;
      box.left = x;
      box.right = x + width;
      box.y = y;
      y += box.h + GAP_Y;
    }
    height = Math.max(height, y - GAP_Y);
    x += width + GAP_X;
  }
  return { boxes, edges, width: Math.max(0, x - GAP_X), height };
}

// ---- SVG -----------------------------------------------------------------------------------------------------------

const ICONS = {
  http: '<circle cx="8" cy="8" r="6.5"/><path d="M1.5 8h13M8 1.5c-2.5 3-2.5 10 0 13M8 1.5c2.5 3 2.5 10 0 13"/>',
  activity: '<path d="M8 2.5v2M8 11.5v2M2.5 8h2M11.5 8h2M4.1 4.1l1.4 1.4M10.5 10.5l1.4 1.4M4.1 11.9l1.4-1.4M10.5 5.5l1.4-1.4"/><circle cx="8" cy="8" r="2.5"/>',
  set: '<path d="M3 6h10M3 10h10"/>',
  switch: '<path d="M8 1.5l6.5 6.5L8 14.5 1.5 8z"/>',
  foreach: '<rect x="2" y="2" width="5" height="5"/><rect x="9" y="2" width="5" height="5"/><rect x="2" y="9" width="5" height="5"/><rect x="9" y="9" width="5" height="5"/>',
  loop: '<path d="M13 8a5 5 0 1 1-1.5-3.5M13 2v3h-3"/>',
  wait: '<circle cx="8" cy="8" r="6.5"/><path d="M8 4v4l3 2"/>',
  event: '<path d="M2 4h12v8H2zM2 4l6 5 6-5"/>',
  workflow: '<rect x="1.5" y="5" width="5" height="6"/><rect x="9.5" y="5" width="5" height="6"/><path d="M6.5 8h3"/>',
  fail: '<path d="M4 4l8 8M12 4l-8 8"/>',
  '?': '<path d="M6 6a2 2 0 1 1 2 2v2M8 12.5v.5"/>',
};

// Status icons as symbols: a node's status icon is a <use> whose href names one, so a repaint sets one attribute.
const STATUS_ICONS = {
  succeeded: '<path d="M3.5 8.5l3 3 6-7"/>',
  failed: '<path d="M4.5 4.5l7 7M11.5 4.5l-7 7"/>',
  skipped: '<path d="M3 8h7M8 5l3 3-3 3"/>',
  cancelled: '<circle cx="8" cy="8" r="5"/><path d="M4.5 11.5l7-7"/>',
  running: '<circle cx="8" cy="8" r="3.5" fill="currentColor"/>',
  pending: '<circle cx="8" cy="8" r="4.5"/>',
  invalid: '<path d="M8 3v6M8 12v.5"/>',
  none: '',
};
const STATUS_SYMBOLS = Object.entries(STATUS_ICONS).map(([status, icon]) =>
  `<symbol id="st-${status}" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">${icon}</symbol>`).join('');

/** Escapes text for XML content and attribute values. */
export function xml(text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function truncate(text, max) {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** The SVG of a model, with each node a focusable `g.node` carrying `data-path`, `data-type` and `data-status`. */
export function renderSvg(model) {
  const root = layout(model);
  const parts = [];
  const edgeParts = [];
  const labelParts = [];
  draw(root, 0, 0, parts, edgeParts, labelParts);
  const width = Math.ceil(root.width + 2 * PAD);
  const height = Math.ceil(root.height + 2 * PAD);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="diagram" width="${width}" height="${height}" viewBox="${-PAD} ${-PAD} ${width} ${height}" role="group" aria-label="Workflow diagram">`
    + `<defs>${STATUS_SYMBOLS}` + '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrowhead"/></marker></defs>'
    + `<g class="edges">${edgeParts.join('')}</g><g class="nodes">${parts.join('')}</g><g class="edge-labels">${labelParts.join('')}</g></svg>`;
}

function pointAtX(x1, y1, mx, x2, y2, x) {
  let best = { x: x1, y: y1 };
  for (let t = 0; t <= 1; t += 0.02) {
    const u = 1 - t;
    const px = u * u * u * x1 + 3 * u * u * t * mx + 3 * u * t * t * mx + t * t * t * x2;
    const py = u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2;
    if (Math.abs(px - x) < Math.abs(best.x - x)) best = { x: px, y: py };
  }
  return best;
}

function draw(lay, ox, oy, parts, edgeParts, labelParts) {
  const anchor = box => Math.min(box.h / 2, NODE_H / 2 + (box.inner ? HEADER / 2 : 0));
  for (const edge of lay.edges) {
    // Points: out of the source's right side, straight through each slot's layer, into the target's left side.
    const points = [[ox + edge.from.x + edge.from.w, oy + edge.from.y + anchor(edge.from)]];
    for (const slot of edge.via) {
      const y = oy + slot.y + slot.h / 2;
      points.push([ox + slot.left, y], [ox + slot.right, y]);
    }
    const x2 = ox + edge.to.x;
    const y2 = oy + edge.to.y + anchor(edge.to);
    points.push([x2 - 2, y2]);
    let d = `M${points[0][0]} ${points[0][1]}`;
    for (let k = 1; k < points.length; k++) {
      const [ax, ay] = points[k - 1];
      const [bx, by] = points[k];
      const mx = (ax + bx) / 2;
      d += ay === by ? `L${bx} ${by}` : `C${mx} ${ay} ${mx} ${by} ${bx} ${by}`;
    }
    edgeParts.push(`<path class="edge" data-from="${xml(edge.from.node.path)}" data-to="${xml(edge.to.node.path)}" d="${d}" marker-end="url(#arrow)"/>`);
    if (edge.label) {
      // In the last gap before the target, on the curve: labels of a fan-in stay apart and clear of nodes.
      const [ax, ay] = points[points.length - 2];
      const mx = (ax + x2) / 2;
      const { x: lx, y: ly } = pointAtX(ax, ay, mx, x2, y2, Math.max(mx, x2 - GAP_X / 2));
      const w = edge.label.length * 6.4 + 10;
      labelParts.push(`<g class="edge-label"><rect x="${lx - w / 2}" y="${ly - 9}" width="${w}" height="18" rx="4"/><text x="${lx}" y="${ly + 4}" text-anchor="middle">${xml(edge.label)}</text></g>`);
    }
  }
  for (const box of lay.boxes) {
    const node = box.node;
    const x = ox + box.x;
    const y = oy + box.y;
    const icon = ICONS[TYPES.includes(node.type) ? node.type : '?'];
    const common = `data-path="${xml(node.path)}" data-node-id="${xml(node.id)}" data-type="${xml(node.type)}" data-status="none" tabindex="0" role="button" aria-label="${xml(node.id)}, ${xml(node.type)}"`;
    if (box.inner) {
      parts.push(`<g class="node group" ${common}><title>${xml(node.id)} (${xml(node.type)})</title>`
        + `<rect class="box" x="${x}" y="${y}" width="${box.w}" height="${box.h}" rx="10"/>`
        + `<g class="icon" transform="translate(${x + 10} ${y + 8})">${icon}</g>`
        + `<text class="label" x="${x + 32}" y="${y + 20}">${xml(truncate(node.id, 28))}</text>`
        + `<text class="meta" x="${x + box.w - 10}" y="${y + 20}" text-anchor="end">${xml(node.type)}</text>`
        + `<use class="status-icon" href="#st-none" x="${x + box.w - 24}" y="${y + box.h - 22}" width="16" height="16"/>`
        + '</g>');
      draw(box.inner, x + PAD, y + HEADER, parts, edgeParts, labelParts);
    } else {
      parts.push(`<g class="node" ${common}><title>${xml(node.id)} (${xml(node.type)})</title>`
        + `<rect class="box" x="${x}" y="${y}" width="${box.w}" height="${box.h}" rx="8"/>`
        + `<g class="icon" transform="translate(${x + 10} ${y + 15})">${icon}</g>`
        + `<text class="label" x="${x + 34}" y="${y + 20}">${xml(truncate(node.id, 18))}</text>`
        + `<text class="meta" x="${x + 34}" y="${y + 36}">${xml(node.type)}</text>`
        + `<use class="status-icon" href="#st-none" x="${x + box.w - 24}" y="${y + 15}" width="16" height="16"/>`
        + '</g>');
    }
  }
}

/** Sets a drawn node's status: its class, its status icon (never colour alone), its badge text and its label. */
export function setNodeStatus(element, status, badge, title) {
  if (element.dataset.status === status && (element.dataset.badge ?? '') === (badge ?? '')) {
    return;
  }
  element.dataset.status = status;
  element.dataset.badge = badge ?? '';
  element.querySelector(':scope > .status-icon').setAttribute('href', `#st-${STATUS_ICONS[status] === undefined ? 'none' : status}`);
  let text = element.querySelector(':scope > .badge');
  if (badge) {
    if (!text) {
      text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      text.setAttribute('class', 'badge');
      const rect = element.querySelector(':scope > rect.box');
      const isGroup = element.classList.contains('group');
      const x = Number(rect.getAttribute('x')) + Number(rect.getAttribute('width')) - (isGroup ? 30 : 28);
      const y = Number(rect.getAttribute('y')) + (isGroup ? Number(rect.getAttribute('height')) - 9 : 36);
      text.setAttribute('x', String(x));
      text.setAttribute('y', String(y));
      text.setAttribute('text-anchor', 'end');
      element.appendChild(text);
    }
    text.textContent = badge;
  } else if (text) {
    text.remove();
  }
  element.setAttribute('aria-label', `${element.dataset.nodeId}, ${element.dataset.type}, ${title ?? status}`);
  element.querySelector(':scope > title').textContent = `${element.dataset.nodeId} (${element.dataset.type}): ${title ?? status}`;
}
