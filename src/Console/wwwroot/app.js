// The console's shell: hash routes (every view has a deep link), the key dialog, the theme and keyboard shortcuts.

import { onKeyNeeded, forgetKey, hasKey } from './api.js';
import { h, dialog, currentRoute, toast } from './ui.js';
import { workflowsView } from './views/workflows.js';
import { workflowView } from './views/workflow.js';
import { editorView } from './views/editor.js';
import { instancesView } from './views/instances.js';
import { instanceView } from './views/instance.js';

const main = document.getElementById('main');
let current = null;

async function route() {
  const { parts, query } = currentRoute();
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const section = parts[0] ?? 'workflows';
  for (const link of document.querySelectorAll('header nav a')) {
    link.toggleAttribute('aria-current', link.dataset.section === section);
  }
  main.replaceChildren(h('p.muted.loading', null, 'Loading…'));
  const context = { main, query, signal: controller.signal };
  try {
    if (section === 'workflows' && parts[1]) {
      await workflowView(context, parts[1]);
    } else if (section === 'workflows') {
      await workflowsView(context);
    } else if (section === 'editor') {
      await editorView(context);
    } else if (section === 'instances' && parts[1]) {
      await instanceView(context, parts.slice(1).join('/'));
    } else if (section === 'instances') {
      await instancesView(context);
    } else {
      main.replaceChildren(h('h1', null, 'Not found'), h('p', null, 'No view is at this address. ', h('a', { href: '#/workflows' }, 'Workflows')));
    }
  } catch (error) {
    if (controller.signal.aborted) {
      return;
    }
    main.replaceChildren(h('h1', null, 'Something went wrong'), h('p.error-text', { role: 'alert' }, error.message));
  }
}

onKeyNeeded(message => new Promise(resolve => {
  const input = h('input', { type: 'password', name: 'key', autocomplete: 'off', 'aria-label': 'Key', required: true });
  dialog('Key', [h('p', null, message), h('p.muted', null, 'Kept for this browser tab only; sent as the x-functions-key header, never in a URL.'), input],
    [{ value: 'ok', label: 'Use key', primary: true }], () => input.focus())
    .then(answer => resolve(answer === 'ok' && input.value ? input.value : null));
}));

document.getElementById('key').addEventListener('click', async () => {
  if (hasKey() && await dialog('Key', h('p', null, 'Forget the key kept for this tab?'), [{ value: 'forget', label: 'Forget key', danger: true }]) === 'forget') {
    forgetKey();
    toast('Key forgotten; the next call asks again.');
  } else if (!hasKey()) {
    toast('No key is kept; the console asks for one when the host needs it.');
  }
});

const THEME = 'serverless-workflows.theme';
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
}
applyTheme(localStorage.getItem(THEME) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
function toggleTheme() {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  localStorage.setItem(THEME, next);
  applyTheme(next);
}
document.getElementById('theme').addEventListener('click', toggleTheme);

const SHORTCUTS = [
  ['w', 'Workflows'], ['i', 'Instances'], ['n', 'Validate & register'], ['t', 'Toggle the dark theme'],
  ['/', 'Focus the first filter or field'], ['j / k', 'Next / previous row of a list'], ['Enter', 'Open the focused row or node'],
  ['Arrow keys', 'Move between diagram nodes'], ['Esc', 'Close a dialog'], ['?', 'This help'],
];
function showHelp() {
  dialog('Keyboard shortcuts', h('table.shortcuts', null, SHORTCUTS.map(([k, what]) => h('tr', null, h('td', null, h('kbd', null, k)), h('td', null, what)))), []);
}
document.getElementById('help').addEventListener('click', showHelp);

document.addEventListener('keydown', event => {
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
  if (typing || event.ctrlKey || event.metaKey || event.altKey || document.getElementById('dialog').open) {
    return;
  }
  const go = hash => { location.hash = hash; event.preventDefault(); };
  switch (event.key) {
    case 'w': go('#/workflows'); break;
    case 'i': go('#/instances'); break;
    case 'n': go('#/editor'); break;
    case 't': toggleTheme(); break;
    case '?': showHelp(); event.preventDefault(); break;
    case '/': {
      const field = main.querySelector('input, select, textarea');
      if (field) { field.focus(); event.preventDefault(); }
      break;
    }
    case 'j':
    case 'k': {
      const rows = [...main.querySelectorAll('[data-row]')];
      if (rows.length) {
        const at = rows.indexOf(document.activeElement);
        const next = rows[Math.max(0, Math.min(rows.length - 1, at + (event.key === 'j' ? 1 : -1)))] ?? rows[0];
        next.focus();
        event.preventDefault();
      }
      break;
    }
    default:
      break;
  }
});

window.addEventListener('hashchange', route);
if (!location.hash) {
  history.replaceState(null, '', '#/workflows');
}
route();
