// One instance: the diagram with each node's live status, foreach progress and drill-down into one iteration, a
// timeline of attempts, what it waits for now, a node panel, its JSON, the actions its status allows, and links to its
// parent and children. Updates arrive by long-polling the status route (waitForChange), not on a blind timer.

import { get, request, enc, allNodes, ApiError } from '../api.js';
import { mountDiagram } from '../diagram.js';
import { setNodeStatus } from '../graph.js';
import { jsonBlock } from '../json.js';
import { h, dialog, toast, formatTime, formatDuration, statusPill, FINAL, pushQuery, currentRoute } from '../ui.js';

const ITERATION = /\[\d+\]$/;

/** The definition path of a node path: 'each[3].fetch' → 'each.fetch'. */
export const definitionPath = path => path.replace(/\[\d+\]/g, '');

/** The parent of a child instance id '{parent}:{path}:{epoch}:{attempt}', or null. */
export function parentOf(id) {
  const m = /^(.+):([^:]+):(\d+):(\d+)$/.exec(id);
  return m ? m[1] : null;
}

export async function instanceView({ main, query, signal }, id) {
  // The status and the node detail in parallel; the definition once the status names its workflow and version.
  const nodesLoaded = allNodes(id, signal);
  nodesLoaded.catch(() => {});
  let status = (await get(`/api/instances/${enc(id)}?showInput=true`, { signal })).body;
  const workflow = status.customStatus?.workflow ?? status.input?.workflow ?? status.name;
  const version = status.customStatus?.version ?? status.input?.version;
  const definition = (await get(`/api/workflows/${enc(workflow)}/versions/${enc(version)}`, { signal })).body;
  let records = await nodesLoaded;
  performance.mark('console:instance-data');
  let iteration = query.get('iteration');
  let selectedPath = query.get('node');

  const header = h('div.page-head');
  const facts = h('dl.facts');
  const waiting = h('section.waiting-now', { 'aria-label': 'Waiting for', id: 'waiting' });
  const panel = h('aside.panel', { 'aria-label': 'Node', id: 'node-panel' });
  const timeline = h('section.timeline', { 'aria-label': 'Timeline', id: 'timeline' });
  const data = h('section.data', { 'aria-label': 'Instance data' });
  const scopeBar = h('div.scope-bar', { id: 'scope' });
  const live = h('span.live', { id: 'live', role: 'status' });
  let timelineRows = 100;
  const diagram = mountDiagram(definition, {
    onSelect: path => {
      selectedPath = path;
      const q = new URLSearchParams(query);
      q.set('node', path);
      if (iteration) q.set('iteration', iteration);
      if (currentRoute().query.get('node') !== path) pushQuery(q); // a deep link's own selection adds no entry
      renderPanel();
    },
  });

  // The node records by definition path (iteration records such as 'each[3]' left out), rebuilt once per update.
  let byDefinition = null;
  const indexRecords = () => {
    byDefinition = new Map();
    for (const r of records) {
      if (ITERATION.test(r.path)) continue;
      const key = definitionPath(r.path);
      const list = byDefinition.get(key);
      if (list) list.push(r); else byDefinition.set(key, [r]);
    }
  };

  /** The records a drawn node stands for in the current scope (one, or every iteration's). */
  const recordsFor = defPath => {
    const all = byDefinition.get(defPath) ?? [];
    return iteration && defPath.startsWith(definitionPath(iteration) + '.') ? all.filter(r => r.path.startsWith(iteration + '.')) : all;
  };

  const paintDiagram = () => {
    for (const [defPath, element] of diagram.elements) {
      const list = recordsFor(defPath);
      let state = 'pending';
      let badge = '';
      let title = 'not started';
      if (list.length === 1 && !defPath.includes('.')) {
        const r = list[0];
        state = r.status;
        title = r.status + (r.attempts > 1 ? `, ${r.attempts} attempts` : '');
        if (r.items) {
          badge = `${r.items.done}/${r.items.total}${r.items.failed ? ` · ${r.items.failed} failed` : ''}`;
          title += `, ${badge} items`;
        } else if (r.attempts > 1) {
          badge = `×${r.attempts}`;
        }
      } else if (list.length === 1) {
        state = list[0].status;
        title = state;
        if (list[0].items) badge = `${list[0].items.done}/${list[0].items.total}`;
      } else if (list.length > 1) {
        const count = s => list.filter(r => r.status === s).length;
        state = count('running') ? 'running' : count('failed') ? 'failed' : count('pending') ? 'pending' : count('succeeded') ? 'succeeded' : list[0].status;
        badge = `${count('succeeded')}/${list.length}${count('failed') ? ` · ${count('failed')}✗` : ''}`;
        title = `${list.length} iterations: ${['succeeded', 'failed', 'running', 'skipped', 'cancelled'].filter(count).map(s => `${count(s)} ${s}`).join(', ')}`;
      }
      setNodeStatus(element, state, badge, title);
    }
  };

  const renderHeader = () => {
    const s = status.runtimeStatus;
    const final = FINAL.includes(s);
    const waitsFor = [...new Set(records.filter(r => r.waitingFor?.event).map(r => r.waitingFor.event))];
    const action = (label, idName, enabled, run, danger) => h(danger ? 'button.danger' : 'button', { type: 'button', id: idName, disabled: !enabled, onclick: run }, label);
    const parent = parentOf(id);
    header.replaceChildren(
      h('h1', null, h('span.muted', null, 'Instance '), id, ' ', statusPill(s)),
      h('div.actions', null,
        action('Raise event…', 'raise', !final, () => raiseEvent(waitsFor)),
        action('Suspend', 'suspend', s === 'Running' || s === 'Pending', () => simple('suspend')),
        action('Resume', 'resume', s === 'Suspended', () => simple('resume')),
        action('Terminate…', 'terminate', !final, () => terminate(), true),
        action('Rerun', 'rerun', s === 'Failed', () => rerun()),
        action('Purge…', 'purge', final, () => purge(), true)));
    const custom = status.customStatus ?? {};
    facts.replaceChildren(...[
      h('dt', null, 'Workflow'), h('dd', null, h('a', { href: `#/workflows/${enc(workflow)}?version=${version}` }, `${workflow} v${version}`)),
      h('dt', null, 'Created'), h('dd', null, formatTime(status.createdTime)),
      h('dt', null, 'Updated'), h('dd', null, formatTime(status.lastUpdatedTime), ' ', live),
      parent ? [h('dt', null, 'Parent'), h('dd', null, h('a', { href: `#/instances/${enc(parent)}`, id: 'parent-link' }, parent))] : [],
      custom.counts ? [h('dt', null, 'Nodes'), h('dd', null, Object.entries(custom.counts).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(' · '))] : [],
      custom.error ? [h('dt', null, 'Error'), h('dd.error-text', null, `${custom.error.type}: ${custom.error.message}`)] : []].flat());
  };

  const renderWaiting = () => {
    const items = [];
    const now = Date.now();
    for (const r of records) {
      const w = r.waitingFor;
      if (!w) continue;
      if (w.event) {
        items.push(h('li', null, h('strong', null, r.path), ' waits for event ', h('code', null, w.event),
          w.timerDueAt ? ` until ${formatTime(w.timerDueAt)} (in ${formatDuration(Date.parse(w.timerDueAt) - now)})` : '', ' ',
          h('button.small', { type: 'button', onclick: () => raiseEvent([w.event], w.event) }, `Raise ${w.event}…`)));
      } else if (w.timerDueAt) {
        items.push(h('li', null, h('strong', null, r.path), ` waits until ${formatTime(w.timerDueAt)} (in ${formatDuration(Date.parse(w.timerDueAt) - now)})`));
      }
      if (w.retryAt) {
        items.push(h('li', null, h('strong', null, r.path), ` retries at ${formatTime(w.retryAt)} (in ${formatDuration(Math.max(0, Date.parse(w.retryAt) - now))}, attempt ${r.attempts + 1})`));
      }
    }
    if (status.runtimeStatus === 'Suspended') items.unshift(h('li', null, 'The instance is suspended: resume it to go on.'));
    waiting.replaceChildren(h('h2', null, 'Waiting for'), items.length ? h('ul', null, items) : h('p.muted', null, FINAL.includes(status.runtimeStatus) ? 'Nothing: the instance is final.' : 'Nothing but running work.'));
  };

  const renderScope = () => {
    scopeBar.replaceChildren(...(iteration
      ? [h('span', null, 'Showing iteration '), h('code', null, iteration), ' ', h('button.small', { type: 'button', id: 'all-iterations', onclick: () => setIteration(null) }, 'Show all iterations')]
      : []));
  };

  const setIteration = value => {
    iteration = value;
    const q = new URLSearchParams(query);
    if (value) q.set('iteration', value); else q.delete('iteration');
    if (selectedPath) q.set('node', selectedPath);
    pushQuery(q);
    query = q;
    renderAll();
  };

  const renderPanel = () => {
    if (!selectedPath) {
      panel.replaceChildren(h('p.muted', null, 'Select a node (click, or Tab to it and press Enter) to see its input, output, error and attempts.'));
      return;
    }
    const node = diagram.nodes.get(selectedPath);
    const list = recordsFor(selectedPath);
    const record = list.length === 1 ? list[0] : null;
    const content = [h('div.panel-head', null, h('h2', null, node?.id ?? selectedPath, h('span.muted', null, ` ${node?.type ?? ''}`)),
      h('button.small.ghost', { type: 'button', 'aria-label': 'Close the node panel', onclick: () => { selectedPath = null; renderPanel(); } }, '×'))];
    if (record) {
      content.push(h('dl.facts', null,
        h('dt', null, 'Path'), h('dd', null, h('code', null, record.path)),
        h('dt', null, 'Status'), h('dd', null, statusPill(record.status), record.outcome && record.outcome !== record.status ? ` outcome ${record.outcome}` : ''),
        h('dt', null, 'Attempts'), h('dd', null, String(record.attempts ?? 0)),
        h('dt', null, 'Started'), h('dd', null, formatTime(record.startedAt)),
        h('dt', null, 'Completed'), h('dd', null, record.completedAt ? `${formatTime(record.completedAt)} (${formatDuration(Date.parse(record.completedAt) - Date.parse(record.startedAt))})` : '—'),
        record.childInstanceId ? [h('dt', null, 'Child'), h('dd', null, h('a.child-link', { href: `#/instances/${enc(record.childInstanceId)}` }, record.childInstanceId))] : [],
        record.items ? [h('dt', null, 'Items'), h('dd', null, `${record.items.done} of ${record.items.total} done, ${record.items.failed} failed, ${record.items.active} running`)] : []));
      if (record.error) content.push(h('div.error-box', { role: 'note' }, h('strong', null, record.error.type), ': ', record.error.message), jsonBlock('Error', record.error, { open: false }));
      if (record.attemptLog?.length) {
        content.push(h('h3', null, 'Attempts'), h('ol.attempts', null, record.attemptLog.map(a => h('li', null,
          `#${a.attempt} ${formatTime(a.startedAt)}`, a.endedAt ? ` → ${formatTime(a.endedAt)} (${formatDuration(Date.parse(a.endedAt) - Date.parse(a.startedAt))})` : ' running', a.errorType ? ` ${a.errorType}` : ''))));
      }
      if (record.output !== undefined && record.output !== null) content.push(jsonBlock('Output', record.output));
    } else if (list.length > 1) {
      content.push(h('p', null, `${list.length} iterations ran this node. Pick an iteration of its foreach or loop to see one.`));
    } else {
      content.push(h('p.muted', null, 'Not started.'));
    }
    if (node?.type === 'foreach' || node?.type === 'loop') {
      const owner = record?.path ?? selectedPath;
      const iterations = records.filter(r => ITERATION.test(r.path) && r.path.slice(0, r.path.lastIndexOf('[')) === owner)
        .map(r => ({ ...r, index: Number(/\[(\d+)\]$/.exec(r.path)[1]) })).sort((a, b) => a.index - b.index);
      const failedOnly = h('input', { type: 'checkbox', id: 'failed-only' });
      const grid = h('div.iterations', { role: 'list', 'aria-label': 'Iterations' });
      const fill = () => grid.replaceChildren(...iterations.filter(r => !failedOnly.checked || r.status === 'failed').slice(0, 2000).map(r =>
        h('button.iteration', { type: 'button', role: 'listitem', 'data-status': r.status, 'data-path': r.path, title: `${node.type === 'loop' ? 'iteration' : 'item'} ${r.index}: ${r.status}`, 'aria-pressed': String(r.path === iteration), onclick: () => setIteration(r.path) }, String(r.index))));
      failedOnly.addEventListener('change', fill);
      fill();
      content.push(h('h3', null, `${node.type === 'loop' ? 'Iterations' : 'Items'} (${iterations.length})`), h('label.check', null, failedOnly, 'failed only'), grid);
    }
    if (node) content.push(jsonBlock('Input (the node\'s definition; evaluated inputs are not stored, so secrets never are)', node.def, { open: false }));
    panel.replaceChildren(...content);
  };

  const renderTimeline = () => {
    const shown = records.filter(r => !ITERATION.test(r.path) && (iteration ? r.path.startsWith(iteration + '.') || !r.path.includes('.') : !r.path.includes('.')))
      .filter(r => r.startedAt).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    const rows = shown.slice(0, timelineRows);
    const start = Date.parse(status.createdTime);
    const end = FINAL.includes(status.runtimeStatus) ? Math.max(Date.parse(status.lastUpdatedTime), ...rows.map(r => Date.parse(r.completedAt ?? r.startedAt))) : Date.now();
    const span = Math.max(1, end - start);
    const pct = t => `${(((t - start) / span) * 100).toFixed(3)}%`;
    const width = (a, b) => `${Math.max(0.3, ((b - a) / span) * 100).toFixed(3)}%`;
    const bars = r => {
      const type = diagram.nodes.get(definitionPath(r.path))?.type;
      const out = [];
      const finish = r.completedAt ? Date.parse(r.completedAt) : end;
      const log = r.attemptLog ?? [];
      if (log.length) {
        log.forEach((a, k) => {
          const s = Date.parse(a.startedAt);
          const e = a.endedAt ? Date.parse(a.endedAt) : finish;
          out.push(bar('attempt ' + (a.errorType ? 'failed' : a.endedAt ? r.status : 'running'), s, e, `attempt ${a.attempt}: ${formatTime(a.startedAt)} → ${a.endedAt ? formatTime(a.endedAt) : 'now'}${a.errorType ? ` (${a.errorType})` : ''}`));
          const next = log[k + 1];
          if (next && a.endedAt) out.push(bar('gap', e, Date.parse(next.startedAt), `retry delay ${formatDuration(Date.parse(next.startedAt) - e)}`));
        });
      } else {
        const kind = type === 'wait' ? 'timer' : type === 'event' ? 'waiting' : 'attempt ' + r.status;
        out.push(bar(kind, Date.parse(r.startedAt), finish, `${r.status}: ${formatTime(r.startedAt)} → ${r.completedAt ? formatTime(r.completedAt) : 'now'} (${formatDuration(finish - Date.parse(r.startedAt))})`));
      }
      if (r.waitingFor?.retryAt) out.push(bar('gap', Date.parse(r.completedAt ?? log.at(-1)?.endedAt ?? r.startedAt), Date.parse(r.waitingFor.retryAt), `retry at ${formatTime(r.waitingFor.retryAt)}`));
      return out;
    };
    const bar = (kind, a, b, title) => {
      const element = h('span.bar.' + kind.split(' ').join('.'), { title });
      element.style.left = pct(a);
      element.style.width = width(a, Math.max(a, b));
      return element;
    };
    timeline.replaceChildren(h('h2', null, 'Timeline', h('span.muted', null, ` ${formatTime(new Date(start).toISOString())} → ${FINAL.includes(status.runtimeStatus) ? formatTime(new Date(end).toISOString()) : 'now'} (${formatDuration(span)})`)),
      rows.length ? h('div.tl', null, rows.map(r => h('div.tl-row', { 'data-path': r.path },
        h('button.link.tl-label', { type: 'button', onclick: () => diagram.select(definitionPath(r.path)) }, r.path),
        h('div.tl-track', null, bars(r))))) : h('p.muted', null, 'No node has started.'),
      shown.length > rows.length ? h('button.small', { type: 'button', id: 'timeline-more', onclick: () => { timelineRows = shown.length; renderTimeline(); } }, `Show all ${shown.length} rows`) : '',
      h('p.legend.muted', null, h('span.bar-key.attempt.succeeded'), ' attempt ', h('span.bar-key.attempt.failed'), ' failed attempt ', h('span.bar-key.gap'), ' retry delay ', h('span.bar-key.timer'), ' timer ', h('span.bar-key.waiting'), ' waiting for an event'));
  };

  const renderData = () => {
    data.replaceChildren(
      jsonBlock('Input', status.input?.input !== undefined ? status.input.input : status.input, { open: false }),
      jsonBlock('Output', status.output ?? null, { open: FINAL.includes(status.runtimeStatus) }),
      jsonBlock('Custom status', status.customStatus ?? null, { open: false }));
  };

  const renderAll = () => {
    const started = performance.now();
    indexRecords();
    renderHeader();
    renderScope();
    paintDiagram();
    renderWaiting();
    renderPanel();
    renderTimeline();
    renderData();
    performance.measure('console:render', { start: started });
  };

  // ---- actions -----------------------------------------------------------------------------------------------------

  const act = async (label, run) => {
    try {
      await run();
      toast(`${label}: accepted.`);
    } catch (error) {
      toast(`${label}: ${error.message}`, 'error');
    }
  };
  const simple = verb => act(verb[0].toUpperCase() + verb.slice(1), () => request('POST', `/api/instances/${enc(id)}/${verb}?reason=${enc(`${verb} from the console`)}`));
  const rerun = () => act('Rerun', () => request('POST', `/api/instances/${enc(id)}/rerun`));
  const terminate = async () => {
    const reason = h('input', { name: 'reason', placeholder: 'reason', 'aria-label': 'Reason', value: 'terminated from the console' });
    if (await dialog(`Terminate ${id}?`, [h('p', null, 'Its running children go on.'), reason], [{ value: 'go', label: 'Terminate', danger: true }]) === 'go') {
      await act('Terminate', () => request('POST', `/api/instances/${enc(id)}/terminate?reason=${enc(reason.value)}`));
    }
  };
  const purge = async () => {
    if (await dialog(`Purge ${id}?`, h('p', null, 'Its state and history are deleted for good.'), [{ value: 'go', label: 'Purge', danger: true }]) === 'go') {
      try {
        await request('DELETE', `/api/instances/${enc(id)}`);
        toast(`Purged ${id}.`);
        location.hash = '#/instances';
      } catch (error) {
        toast(`Purge: ${error.message}`, 'error');
      }
    }
  };
  const raiseEvent = async (names, preset) => {
    const declared = [...new Set([...names, ...eventNames(definition)])];
    const name = h('input', { name: 'eventName', list: 'event-names', value: preset ?? names[0] ?? '', 'aria-label': 'Event name', required: true });
    const payload = h('textarea.code', { name: 'payload', rows: '6', 'aria-label': 'Event payload (JSON)', spellcheck: 'false' }, '{}');
    const error = h('p.error-text', { role: 'alert' });
    for (;;) {
      const answer = await dialog('Raise an event', [
        h('label', null, 'Event name', name), h('datalist', { id: 'event-names' }, declared.map(n => h('option', { value: n }))),
        names.length ? h('p.muted', null, `Waiting now for: ${names.join(', ')}`) : h('p.muted', null, 'No node waits now; the event is queued until one does.'),
        h('label', null, 'Payload (JSON)', payload), error], [{ value: 'raise', label: 'Raise', primary: true }], () => payload.focus());
      if (answer !== 'raise') return;
      let body;
      try {
        body = JSON.parse(payload.value || 'null');
      } catch (e) {
        error.textContent = `The payload is not JSON: ${e.message}`;
        continue;
      }
      try {
        await request('POST', `/api/instances/${enc(id)}/raiseEvent/${enc(name.value)}`, { body });
        toast(`Raised ${name.value}.`);
        return;
      } catch (e) {
        error.textContent = e.message;
      }
    }
  };

  // ---- live updates ------------------------------------------------------------------------------------------------

  const follow = async () => {
    while (!signal.aborted) {
      const seen = status.lastUpdatedTime;
      const began = Date.now();
      live.textContent = FINAL.includes(status.runtimeStatus) ? '' : '● live';
      let next;
      try {
        next = (await get(`/api/instances/${enc(id)}?showInput=false&waitForChange=${enc(seen)}&timeout=25`, { signal })).body;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.status === 404) {
          live.textContent = 'purged';
          return;
        }
        live.textContent = `○ reconnecting (${error.message})`;
        await new Promise(resolve => setTimeout(resolve, 2000));
        continue;
      }
      if (next.lastUpdatedTime !== seen || next.runtimeStatus !== status.runtimeStatus) {
        records = await allNodes(id, signal);
        status = { ...next, input: status.input };
        renderAll();
      } else if (FINAL.includes(next.runtimeStatus)) {
        live.textContent = '';
        // A final instance changes only through rerun: keep waiting, the route answers at the timeout.
      } else if (Date.now() - began < 250) {
        await new Promise(resolve => setTimeout(resolve, 1000)); // a host that answers at once: do not spin
      }
    }
  };

  const ticker = setInterval(() => { if (!signal.aborted && records.some(r => r.waitingFor)) renderWaiting(); }, 1000);
  signal.addEventListener('abort', () => clearInterval(ticker), { once: true });

  main.replaceChildren(header, facts, waiting, scopeBar,
    h('div.split', null, h('div.grow', null, diagram.element), panel), timeline, data);
  renderAll();
  if (selectedPath) diagram.select(selectedPath);
  follow();
}

function eventNames(definition) {
  const names = [];
  const walk = nodes => {
    for (const node of Object.values(nodes ?? {})) {
      if (node?.type === 'event' && typeof node.event === 'string') names.push(node.event);
      if (node?.body?.nodes) walk(node.body.nodes);
    }
  };
  walk(definition?.nodes);
  return names;
}
