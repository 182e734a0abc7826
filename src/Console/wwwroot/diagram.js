// A drawn diagram on the page: the SVG in a scrollable frame with zoom, node selection by click or keyboard (Enter,
// arrow keys move to the nearest node in that direction) and a lookup of node elements by path.

import { allNodes, buildModel, renderSvg } from './graph.js';
import { h } from './ui.js';

export function mountDiagram(definition, { onSelect } = {}) {
  const model = buildModel(definition);
  const frame = h('div.diagram-frame', { tabindex: '-1' });
  frame.innerHTML = renderSvg(model);
  const svg = frame.querySelector('svg');
  const baseWidth = Number(svg.getAttribute('width'));
  const baseHeight = Number(svg.getAttribute('height'));
  const elements = new Map();
  for (const element of svg.querySelectorAll('g.node')) {
    elements.set(element.dataset.path, element);
  }
  let zoom = 1;
  const setZoom = value => {
    zoom = Math.max(0.2, Math.min(2.5, value));
    svg.setAttribute('width', String(Math.round(baseWidth * zoom)));
    svg.setAttribute('height', String(Math.round(baseHeight * zoom)));
    zoomLabel.textContent = `${Math.round(zoom * 100)}%`;
  };
  const zoomLabel = h('span.muted', null, '100%');
  const fit = () => {
    const width = frame.clientWidth - 8;
    setZoom(width > 0 && baseWidth > width ? width / baseWidth : 1);
  };
  const toolbar = h('div.diagram-toolbar', null,
    h('button.small', { type: 'button', title: 'Zoom out', 'aria-label': 'Zoom out', onclick: () => setZoom(zoom / 1.25) }, '−'),
    zoomLabel,
    h('button.small', { type: 'button', title: 'Zoom in', 'aria-label': 'Zoom in', onclick: () => setZoom(zoom * 1.25) }, '+'),
    h('button.small', { type: 'button', title: 'Fit the width', onclick: fit }, 'Fit'));
  const container = h('div.diagram-container', null, toolbar, frame);
  // Once on the page, a diagram wider than its frame is zoomed to fit (down to 50%; the zoom buttons go further).
  requestAnimationFrame(() => {
    const width = frame.clientWidth - 8;
    if (width > 0 && baseWidth > width) setZoom(Math.max(0.75, width / baseWidth));
  });

  let selected = null;
  const select = (path, focus = false) => {
    selected?.classList.remove('selected');
    selected = elements.get(path) ?? null;
    selected?.classList.add('selected');
    if (selected && focus) {
      selected.focus();
    }
    onSelect?.(path);
  };
  svg.addEventListener('click', event => {
    const node = event.target.closest('g.node');
    if (node) {
      event.stopPropagation();
      select(node.dataset.path);
    }
  });
  svg.addEventListener('keydown', event => {
    const node = event.target.closest?.('g.node');
    if (!node) {
      return;
    }
    if (event.key === 'Enter' || event.key === ' ') {
      select(node.dataset.path);
      event.preventDefault();
    } else if (event.key.startsWith('Arrow')) {
      const next = nearest(node, event.key, [...elements.values()]);
      next?.focus();
      event.preventDefault();
    }
  });

  const nodes = new Map(allNodes(model).map(node => [node.path, node]));
  return {
    element: container,
    model,
    nodes,
    elements,
    select,
    fit,
    get selected() { return selected?.dataset.path ?? null; },
  };
}

function centre(element) {
  const rect = element.querySelector(':scope > rect.box');
  return { x: Number(rect.getAttribute('x')) + Number(rect.getAttribute('width')) / 2, y: Number(rect.getAttribute('y')) + 23 };
}

function nearest(from, key, all) {
  const a = centre(from);
  let best = null;
  let bestScore = Infinity;
  for (const element of all) {
    if (element === from) continue;
    const b = centre(element);
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const forward = { ArrowRight: dx, ArrowLeft: -dx, ArrowDown: dy, ArrowUp: -dy }[key];
    const side = key === 'ArrowRight' || key === 'ArrowLeft' ? Math.abs(dy) : Math.abs(dx);
    if (forward <= 1) continue;
    const score = forward + 2 * side;
    if (score < bestScore) {
      bestScore = score;
      best = element;
    }
  }
  return best;
}
