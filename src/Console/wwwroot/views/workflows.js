// The workflows list: name, latest version, last update.

import { get, enc } from '../api.js';
import { h, formatTime } from '../ui.js';

export async function workflowsView({ main, signal }) {
  const { body } = await get('/api/workflows', { signal });
  const workflows = [...(body ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const filter = h('input', { type: 'search', placeholder: 'Filter by name', 'aria-label': 'Filter workflows by name' });
  const tbody = h('tbody');
  const render = () => {
    const text = filter.value.trim().toLowerCase();
    const rows = workflows.filter(w => w.name.includes(text));
    tbody.replaceChildren(...rows.map(w => h('tr', { 'data-row': '', tabindex: '0', 'data-name': w.name, onkeydown: e => { if (e.key === 'Enter') location.hash = `#/workflows/${enc(w.name)}`; } },
      h('td', null, h('a', { href: `#/workflows/${enc(w.name)}` }, w.name)),
      h('td.num', null, String(w.latestVersion)),
      h('td', null, formatTime(w.updatedAt)),
      h('td', null, h('a', { href: `#/instances?workflow=${enc(w.name)}` }, 'Instances')))));
    if (!rows.length) {
      tbody.replaceChildren(h('tr', null, h('td.muted', { colspan: '4' }, workflows.length ? 'No workflow matches the filter.' : 'No workflow is registered yet.')));
    }
  };
  filter.addEventListener('input', render);
  render();
  main.replaceChildren(
    h('div.page-head', null, h('h1', null, 'Workflows'), h('a.button.primary', { href: '#/editor' }, 'Register a workflow')),
    h('div.filters', null, filter),
    h('table.list', { 'aria-label': 'Workflows' }, h('thead', null, h('tr', null, h('th', null, 'Name'), h('th.num', null, 'Latest version'), h('th', null, 'Updated'), h('th', null, ''))), tbody));
}
