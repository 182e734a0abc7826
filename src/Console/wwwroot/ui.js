// Small DOM helpers shared by the views: an element builder, a toast, dialogs, times.

/** Builds an element: h('a.link', {href}, 'text', child...). Attributes starting with "on" are listeners. */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const element = document.createElement(name);
  if (classes.length) {
    element.className = classes.join(' ');
  }
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key.startsWith('on')) {
      element.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (key === 'text') {
      element.textContent = value;
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

export function toast(message, kind = 'info') {
  const box = document.getElementById('toast');
  const item = h('div.toast-item.' + kind, { role: kind === 'error' ? 'alert' : undefined }, message);
  box.appendChild(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

/**
 * Opens the modal dialog with a title, body elements and buttons; resolves to the value of the button pressed
 * ('cancel' on Escape). `onOpen(form)` may focus a field.
 */
export function dialog(title, body, buttons = [{ value: 'ok', label: 'OK', primary: true }], onOpen) {
  const element = document.getElementById('dialog');
  const form = document.getElementById('dialog-form');
  form.replaceChildren(
    h('h2', null, title),
    ...(Array.isArray(body) ? body : [body]),
    h('div.buttons', null, h('button', { type: 'submit', value: 'cancel', class: 'ghost', formnovalidate: true }, 'Cancel'),
      ...buttons.map(b => h('button', { type: 'submit', value: b.value, class: b.danger ? 'danger' : b.primary ? 'primary' : '' }, b.label))),
  );
  return new Promise(resolve => {
    element.addEventListener('close', () => resolve(element.returnValue || 'cancel'), { once: true });
    element.returnValue = '';
    element.showModal();
    onOpen?.(form);
  });
}

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { hour12: false });
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  const s = Math.abs(ms) / 1000;
  if (s < 1) return `${Math.round(Math.abs(ms))} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.round((s % 86400) / 3600)} h`;
}

export const FINAL = ['Completed', 'Failed', 'Terminated'];

/** A status pill: text and icon, never colour alone. */
export function statusPill(status) {
  const key = String(status ?? 'unknown').toLowerCase();
  return h('span.pill.status-' + key, { 'data-status': key }, h('span.dot', { 'aria-hidden': 'true' }), status ?? 'unknown');
}

/** Parses the hash route: '#/instances/abc?status=Failed' → {parts: ['instances', 'abc'], query: URLSearchParams}. */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, search] = hash.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search ?? '') };
}

/** Replaces the hash query without adding a history entry or re-rendering. */
export function replaceQuery(query) {
  const hash = location.hash.split('?')[0] || '#/';
  const text = query.toString();
  history.replaceState(null, '', text ? `${hash}?${text}` : hash);
}

/** Like replaceQuery, but adds a history entry (a deep link the user can go back from). */
export function pushQuery(query) {
  const hash = location.hash.split('?')[0] || '#/';
  const text = query.toString();
  history.pushState(null, '', text ? `${hash}?${text}` : hash);
}
