// Calls to the /api routes both hosts serve. The key (the standalone host's API key or an Azure Functions function
// key) is asked once, kept in sessionStorage for this tab, and sent as the x-functions-key header: never in a URL.

const KEY = 'serverless-workflows.key';

export class ApiError extends Error {
  constructor(status, body) {
    const error = body && body.error ? body.error : null;
    super(error ? error.message : `HTTP ${status}`);
    this.status = status;
    this.type = error ? error.type : null;
    this.details = error && Array.isArray(error.details) ? error.details : [];
  }
}

let askKey = null;
let asking = null; // the question on screen: calls refused at the same time share it

/** Registers the function that asks the user for the key (the app's dialog); it resolves to the key or null. */
export function onKeyNeeded(ask) {
  askKey = ask;
}

export function hasKey() {
  return !!sessionStorage.getItem(KEY);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

/** Sends a request to the API; asks for the key on a 401 and tries once more with it. */
export async function request(method, path, { body, headers = {}, signal, raw = false } = {}) {
  for (let attempt = 0; ; attempt++) {
    const key = sessionStorage.getItem(KEY);
    const init = { method, headers: { ...headers }, signal, cache: 'no-store' };
    if (key) {
      init.headers['x-functions-key'] = key;
    }
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(path, init);
    if (response.status === 401 && attempt === 0 && askKey) {
      if (sessionStorage.getItem(KEY) !== key) {
        continue; // another call got a new key while this one was in flight
      }
      asking ??= askKey(key ? 'The key was refused. Enter the API key (or function key):' : 'This host needs a key. Enter the API key (or function key):')
        .then(entered => {
          if (entered) sessionStorage.setItem(KEY, entered);
          return entered;
        })
        .finally(() => { asking = null; });
      if (await asking) {
        continue;
      }
    }
    if (raw) {
      return response;
    }
    const text = await response.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
    }
    if (!response.ok) {
      throw new ApiError(response.status, json);
    }
    return { status: response.status, headers: response.headers, body: json };
  }
}

export const get = (path, options) => request('GET', path, options);

export const enc = encodeURIComponent;

/** Every page of the per-node detail of an instance. */
export async function allNodes(id, signal) {
  const nodes = [];
  let token = null;
  do {
    const query = new URLSearchParams({ top: '1000' });
    if (token) {
      query.set('continuationToken', token);
    }
    const page = await get(`/api/instances/${enc(id)}/nodes?${query}`, { signal });
    nodes.push(...page.body.nodes);
    token = page.body.continuationToken;
  } while (token);
  return nodes;
}

/** One page of instances: {items, token}; `token` goes back as the x-ms-continuation-token header. */
export async function listInstances(query, token, signal) {
  const headers = token ? { 'x-ms-continuation-token': token } : {};
  const page = await get(`/api/instances?${query}`, { headers, signal });
  return { items: page.body ?? [], token: page.headers.get('x-ms-continuation-token') };
}

/** Every instance a query selects, page after page, calling `progress(itemsSoFar)`; stops after `limit` items. */
export async function everyInstance(query, { limit = 20000, progress, signal } = {}) {
  const all = [];
  let token = null;
  do {
    const page = await listInstances(query, token, signal);
    all.push(...page.items);
    token = page.token;
    progress?.(all);
  } while (token && all.length < limit);
  return { items: all, complete: !token };
}
