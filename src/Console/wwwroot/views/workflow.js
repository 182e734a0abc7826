// One workflow: its versions, the diagram of a version beside its JSON, two versions side by side, export, start.

import { get, request, enc, ApiError } from '../api.js';
import { mountDiagram } from '../diagram.js';
import { h, toast, dialog, formatTime, pushQuery, currentRoute } from '../ui.js';
import { jsonBlock } from '../json.js';

export async function workflowView({ main, query, signal }, name) {
  const versions = (await get(`/api/workflows/${enc(name)}/versions`, { signal })).body;
  const list = (Array.isArray(versions) ? versions : versions?.versions ?? []).map(v => (typeof v === 'object' ? v : { version: v }));
  const numbers = list.map(v => Number(v.version)).sort((a, b) => b - a);
  const version = Number(query.get('version')) || numbers[0];
  const compare = Number(query.get('compare')) || null;
  const load = async v => (await get(`/api/workflows/${enc(name)}/versions/${v}`, { signal })).body;
  const definition = await load(version);
  const other = compare && compare !== version ? await load(compare) : null;

  const versionSelect = h('select', { 'aria-label': 'Version', id: 'version' }, numbers.map(v => h('option', { value: String(v), selected: v === version }, `version ${v}${v === numbers[0] ? ' (latest)' : ''}`)));
  versionSelect.addEventListener('change', () => { query.set('version', versionSelect.value); query.delete('node'); location.hash = `#/workflows/${enc(name)}?${query}`; });
  const compareSelect = h('select', { 'aria-label': 'Compare with version', id: 'compare' }, h('option', { value: '' }, 'compare with…'),
    numbers.filter(v => v !== version).map(v => h('option', { value: String(v), selected: v === compare }, `version ${v}`)));
  compareSelect.addEventListener('change', () => {
    if (compareSelect.value) query.set('compare', compareSelect.value); else query.delete('compare');
    location.hash = `#/workflows/${enc(name)}?${query}`;
  });

  const head = h('div.page-head', null,
    h('h1', null, name, h('span.muted', null, ` v${version}`)),
    h('div.actions', null,
      h('button.primary', { type: 'button', onclick: () => startInstance(name, version) }, 'Start instance'),
      h('a.button', { href: `#/instances?workflow=${enc(name)}` }, 'Instances'),
      h('a.button', { href: `#/editor?from=${enc(name)}&version=${version}` }, 'Edit as new version'),
      h('button', { type: 'button', onclick: () => download(name, version, 'svg') }, 'Export SVG'),
      h('button', { type: 'button', onclick: () => download(name, version, 'mermaid') }, 'Export Mermaid')));
  const updated = list.find(v => Number(v.version) === version);
  const meta = h('p.muted', null, definition.description ?? '', updated?.createdAt || updated?.registeredAt ? ` Registered ${formatTime(updated.createdAt ?? updated.registeredAt)}.` : '');
  const controls = h('div.filters', null, h('label', null, 'Version ', versionSelect), h('label', null, 'Side by side ', compareSelect));

  if (other) {
    const changed = changedNodes(definition, other);
    const pane = (def, v) => {
      const diagram = mountDiagram(def);
      for (const [path, element] of diagram.elements) {
        if (changed.has(path)) element.classList.add('changed');
      }
      return h('section.pane', { 'aria-label': `Version ${v}` }, h('h2', null, `Version ${v}`), diagram.element, jsonBlock('Definition', def, { open: false }));
    };
    main.replaceChildren(head, meta, controls,
      h('p.muted', null, changed.size ? `Nodes added, removed or changed between the versions are outlined: ${[...changed].join(', ')}.` : 'The versions have the same nodes.'),
      h('div.side-by-side', null, pane(definition, version), pane(other, compare)));
    return;
  }

  const panel = h('aside.panel', { 'aria-label': 'Node' });
  const diagram = mountDiagram(definition, {
    onSelect: path => {
      const q = new URLSearchParams(query);
      q.set('node', path);
      if (currentRoute().query.get('node') !== path) pushQuery(q); // a deep link's own selection adds no entry
      showNode(panel, diagram.nodes, path);
    },
  });
  main.replaceChildren(head, meta, controls, h('div.split', null, h('div.grow', null, diagram.element, panel), h('div.json-side', null, jsonBlock('Definition', definition))));
  if (query.get('node')) {
    diagram.select(query.get('node'));
  }
}

function showNode(panel, nodes, path) {
  const node = nodes.get(path);
  if (!node) {
    panel.replaceChildren();
    return;
  }
  panel.replaceChildren(h('h2', null, node.id, h('span.muted', null, ` ${node.type}`)), jsonBlock('Node definition', node.def));
}

function changedNodes(a, b) {
  const flat = (def, prefix = '', out = new Map()) => {
    for (const [id, node] of Object.entries(def?.nodes ?? {})) {
      const { body, ...rest } = node ?? {};
      out.set(prefix + id, JSON.stringify(rest));
      if (body) flat(body, prefix + id + '.', out);
    }
    return out;
  };
  const x = flat(a);
  const y = flat(b);
  const changed = new Set();
  for (const [path, text] of x) if (y.get(path) !== text) changed.add(path);
  for (const path of y.keys()) if (!x.has(path)) changed.add(path);
  return changed;
}

async function download(name, version, format) {
  try {
    const response = await request('GET', `/api/workflows/${enc(name)}/diagram?format=${format}&version=${version}`, { raw: true });
    if (!response.ok) {
      throw new ApiError(response.status, await response.json().catch(() => null));
    }
    const blob = await response.blob();
    const link = h('a', { href: URL.createObjectURL(blob), download: `${name}-v${version}.${format === 'svg' ? 'svg' : 'mmd'}` });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (error) {
    toast(`Export failed: ${error.message}`, 'error');
  }
}

/** Asks for an input (and optionally an instance id), starts the instance and opens its page. */
export async function startInstance(name, version) {
  const input = h('textarea.code', { name: 'input', rows: '8', 'aria-label': 'Input JSON', spellcheck: 'false' }, '{}');
  const id = h('input', { name: 'instanceId', placeholder: 'generated when empty', 'aria-label': 'Instance id' });
  const error = h('p.error-text', { role: 'alert' });
  for (;;) {
    const answer = await dialog(`Start ${name} v${version}`, [h('label', null, 'Input (JSON)', input), h('label', null, 'Instance id', id), error],
      [{ value: 'start', label: 'Start', primary: true }], () => input.focus());
    if (answer !== 'start') return;
    let body;
    try {
      body = JSON.parse(input.value || 'null');
    } catch (e) {
      error.textContent = `The input is not JSON: ${e.message}`;
      continue;
    }
    try {
      const query = new URLSearchParams({ version: String(version) });
      if (id.value.trim()) query.set('instanceId', id.value.trim());
      const started = await request('POST', `/api/workflows/${enc(name)}/instances?${query}`, { body });
      location.hash = `#/instances/${enc(started.body.id)}`;
      return;
    } catch (e) {
      error.textContent = e.message + (e.details?.length ? ' ' + e.details.map(d => `${d.path}: ${d.message}`).join('; ') : '');
    }
  }
}
