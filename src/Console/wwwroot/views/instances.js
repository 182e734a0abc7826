// The instances list: filters kept in the URL, pages from continuation tokens, counts by status, and bulk terminate,
// purge and rerun of everything the filters select, after a confirmation that shows the count.

import { get, request, enc, listInstances, everyInstance } from '../api.js';
import { h, dialog, toast, formatTime, statusPill, FINAL, replaceQuery } from '../ui.js';

const STATUSES = ['Pending', 'Running', 'Suspended', 'Completed', 'Failed', 'Terminated'];
const PAGE = 50;

/** The workflow an instance runs, from what the status carries on both hosts. */
export function workflowOf(instance) {
  return instance?.customStatus?.workflow ?? instance?.input?.workflow ?? instance?.name ?? '';
}

export async function instancesView({ main, query, signal }) {
  const workflows = ((await get('/api/workflows', { signal })).body ?? []).map(w => w.name).sort();
  const state = {
    statuses: (query.get('status') ?? '').split(',').filter(s => STATUSES.includes(s)),
    workflow: query.get('workflow') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    prefix: query.get('prefix') ?? '',
  };

  const statusBoxes = STATUSES.map(s => h('label.check', null,
    h('input', { type: 'checkbox', value: s, name: 'status', checked: state.statuses.includes(s) }), statusPill(s)));
  const workflowSelect = h('select', { name: 'workflow', 'aria-label': 'Workflow' }, h('option', { value: '' }, 'all workflows'),
    workflows.map(w => h('option', { value: w, selected: w === state.workflow }, w)));
  const from = h('input', { type: 'datetime-local', name: 'from', value: state.from, 'aria-label': 'Created from (inclusive)' });
  const to = h('input', { type: 'datetime-local', name: 'to', value: state.to, 'aria-label': 'Created before' });
  const prefix = h('input', { type: 'search', name: 'prefix', value: state.prefix, placeholder: 'instance id prefix', 'aria-label': 'Instance id prefix' });
  const clear = h('button.ghost', { type: 'button', id: 'clear-filters' }, 'Clear filters');
  const counts = h('div.counts', { 'aria-label': 'Counts by status', id: 'counts' });
  const tbody = h('tbody');
  const pager = h('div.pager');
  const bulk = h('div.bulk', null,
    h('button', { type: 'button', id: 'bulk-terminate', onclick: () => bulkAction('terminate') }, 'Terminate all…'),
    h('button', { type: 'button', id: 'bulk-rerun', onclick: () => bulkAction('rerun') }, 'Rerun failed…'),
    h('button.danger', { type: 'button', id: 'bulk-purge', onclick: () => bulkAction('purge') }, 'Purge all…'));

  const serverQuery = (statuses, top) => {
    const q = new URLSearchParams({ top: String(top), showInput: 'false' });
    if (statuses.length) q.set('runtimeStatus', statuses.join(','));
    if (state.from) q.set('createdTimeFrom', new Date(state.from).toISOString());
    if (state.to) q.set('createdTimeTo', new Date(state.to).toISOString());
    // The list route filters by id prefix; generated ids start with the workflow name, so a workflow narrows the prefix
    // and the rows are then checked exactly (an id prefix 'order-' also matches 'order-fulfilment-...').
    const p = state.prefix || (state.workflow ? state.workflow + '-' : '');
    if (p) q.set('instanceIdPrefix', p);
    return q;
  };
  const matches = instance => !state.workflow || workflowOf(instance) === state.workflow;

  let tokens = [null];
  let pageIndex = 0;
  let countController = null;

  const renderRows = items => {
    tbody.replaceChildren(...items.map(i => h('tr', { 'data-row': '', tabindex: '0', 'data-id': i.instanceId, onkeydown: e => { if (e.key === 'Enter') location.hash = `#/instances/${enc(i.instanceId)}`; } },
      h('td', null, h('a', { href: `#/instances/${enc(i.instanceId)}` }, i.instanceId)),
      h('td', null, workflowOf(i), i.customStatus?.version ? h('span.muted', null, ` v${i.customStatus.version}`) : ''),
      h('td', null, statusPill(i.runtimeStatus)),
      h('td', null, progressText(i.customStatus)),
      h('td', null, formatTime(i.createdTime)),
      h('td', null, formatTime(i.lastUpdatedTime)))));
    if (!items.length) {
      tbody.replaceChildren(h('tr', null, h('td.muted', { colspan: '6' }, 'No instance matches the filters.')));
    }
  };

  let pageRequest = 0;
  const loadPage = async () => {
    const mine = ++pageRequest;
    tbody.replaceChildren(h('tr', null, h('td.muted', { colspan: '6' }, 'Loading…')));
    const page = await listInstances(serverQuery(state.statuses, PAGE), tokens[pageIndex], signal);
    if (mine !== pageRequest) return; // the filters changed while this page was on its way
    tokens[pageIndex + 1] = page.token;
    renderRows(page.items.filter(matches));
    pager.replaceChildren(
      h('button', { type: 'button', disabled: pageIndex === 0, onclick: () => { pageIndex--; loadPage(); } }, '← Previous'),
      h('span.muted', null, `Page ${pageIndex + 1}`),
      h('button', { type: 'button', id: 'next-page', disabled: !page.token, onclick: () => { pageIndex++; loadPage(); } }, 'Next →'));
  };

  const loadCounts = async () => {
    countController?.abort();
    const controller = new AbortController();
    countController = controller;
    signal.addEventListener('abort', () => controller.abort(), { once: true });
    const show = (all, done) => {
      const by = Object.fromEntries(STATUSES.map(s => [s, 0]));
      let total = 0;
      for (const i of all) {
        if (matches(i) && by[i.runtimeStatus] !== undefined) { by[i.runtimeStatus]++; total++; }
      }
      const suffix = done ? '' : '+';
      counts.replaceChildren(h('span.count', { 'data-status': 'all' }, `${total.toLocaleString()}${suffix} total`),
        ...STATUSES.map(s => h('button.count.link', { type: 'button', 'data-status': s, title: `Show only ${s}`, onclick: () => { setStatuses([s]); } },
          statusPill(s), ` ${by[s].toLocaleString()}${suffix}`)),
        done ? '' : h('span.muted', null, ' counting…'));
    };
    try {
      const result = await everyInstance(serverQuery([], 1000), { signal: controller.signal, progress: all => show(all, false) });
      show(result.items, result.complete);
    } catch (error) {
      if (!controller.signal.aborted) counts.replaceChildren(h('span.error-text', null, `Counts unavailable: ${error.message}`));
    }
  };

  const apply = () => {
    state.statuses = statusBoxes.map(l => l.querySelector('input')).filter(i => i.checked).map(i => i.value);
    state.workflow = workflowSelect.value;
    state.from = from.value;
    state.to = to.value;
    state.prefix = prefix.value.trim();
    const q = new URLSearchParams();
    if (state.statuses.length) q.set('status', state.statuses.join(','));
    for (const key of ['workflow', 'from', 'to', 'prefix']) if (state[key]) q.set(key, state[key]);
    replaceQuery(q);
    tokens = [null];
    pageIndex = 0;
    loadPage().catch(showError);
    loadCounts();
  };
  const setStatuses = list => {
    for (const label of statusBoxes) {
      const input = label.querySelector('input');
      input.checked = list.includes(input.value);
    }
    apply();
  };
  const showError = error => tbody.replaceChildren(h('tr', null, h('td.error-text', { colspan: '6', role: 'alert' }, error.message)));
  for (const element of [...statusBoxes.map(l => l.querySelector('input')), workflowSelect, from, to]) {
    element.addEventListener('change', apply);
  }
  let prefixTimer = null;
  prefix.addEventListener('input', () => { clearTimeout(prefixTimer); prefixTimer = setTimeout(apply, 300); });
  clear.addEventListener('click', () => {
    for (const label of statusBoxes) label.querySelector('input').checked = false;
    workflowSelect.value = '';
    from.value = to.value = prefix.value = '';
    apply();
  });

  async function bulkAction(action) {
    const applies = {
      terminate: i => !FINAL.includes(i.runtimeStatus),
      rerun: i => i.runtimeStatus === 'Failed',
      purge: i => FINAL.includes(i.runtimeStatus),
    }[action];
    toast('Collecting the instances the filters select…');
    let selected;
    try {
      selected = (await everyInstance(serverQuery(state.statuses, 1000), { signal, limit: 100000 })).items.filter(i => matches(i) && applies(i));
    } catch (error) {
      toast(error.message, 'error');
      return;
    }
    const verb = { terminate: 'Terminate', rerun: 'Rerun', purge: 'Purge' }[action];
    const which = { terminate: 'that are not final', rerun: 'that failed', purge: 'that are final (others cannot be purged)' }[action];
    if (!selected.length) {
      await dialog(`${verb}`, h('p', null, `No instance the filters select ${which}.`), []);
      return;
    }
    const reason = h('input', { name: 'reason', placeholder: 'reason (optional)', 'aria-label': 'Reason' });
    const answer = await dialog(`${verb} ${selected.length} instance${selected.length === 1 ? '' : 's'}?`,
      [h('p', { id: 'bulk-count' }, `${selected.length.toLocaleString()} instance${selected.length === 1 ? '' : 's'} the filters select ${which} will be ${action === 'rerun' ? 'rerun' : action + 'd'}.`),
        action === 'terminate' ? reason : '', action === 'purge' ? h('p.error-text', null, 'Purging deletes their state for good.') : ''],
      [{ value: 'go', label: `${verb} ${selected.length}`, danger: action !== 'rerun', primary: action === 'rerun' }]);
    if (answer !== 'go') return;
    let done = 0;
    const failures = [];
    const queue = [...selected];
    const worker = async () => {
      for (let i = queue.shift(); i; i = queue.shift()) {
        const id = enc(i.instanceId);
        try {
          if (action === 'purge') await request('DELETE', `/api/instances/${id}`);
          else if (action === 'rerun') await request('POST', `/api/instances/${id}/rerun`);
          else await request('POST', `/api/instances/${id}/terminate?reason=${enc(reason.value || 'bulk terminate from the console')}`);
          done++;
        } catch (error) {
          failures.push(`${i.instanceId}: ${error.message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    toast(`${verb}: ${done} done${failures.length ? `, ${failures.length} refused (${failures.slice(0, 3).join('; ')})` : ''}.`, failures.length ? 'error' : 'info');
    apply();
  }

  main.replaceChildren(
    h('div.page-head', null, h('h1', null, 'Instances'), bulk),
    h('div.filters', { role: 'group', 'aria-label': 'Filters' }, h('div.statuses', null, statusBoxes), workflowSelect,
      h('label', null, 'Created from ', from), h('label', null, 'before ', to), prefix, clear),
    counts,
    h('table.list', { 'aria-label': 'Instances', id: 'instances' }, h('thead', null, h('tr', null,
      h('th', null, 'Instance'), h('th', null, 'Workflow'), h('th', null, 'Status'), h('th', null, 'Nodes'), h('th', null, 'Created'), h('th', null, 'Updated'))), tbody),
    pager);
  loadPage().catch(showError);
  loadCounts();
}

function progressText(custom) {
  const c = custom?.counts;
  if (!c) return '';
  const parts = [];
  if (c.succeeded) parts.push(`${c.succeeded} ✓`);
  if (c.failed) parts.push(`${c.failed} ✗`);
  if (c.running) parts.push(`${c.running} running`);
  if (c.pending) parts.push(`${c.pending} pending`);
  return parts.join(' · ');
}
