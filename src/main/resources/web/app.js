// The chat page: renders what ChatClient reports and turns the user's actions into requests.
// Everything the server sends is shown with textContent, never parsed as HTML.

import {
  ChatClient, Unread, dayKey, dayLabel, fullTime, mentions, postBytes, shortTime, utf8Bytes,
} from './chat-client.js';

const $ = (id) => document.getElementById(id);
const el = (tag, className, text) => {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
};

const wsUrl = new URL('ws', location.href);
wsUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
const client = new ChatClient(wsUrl.href);
const unread = new Unread('Parley');
window.parley = { client, unread }; // for the end-to-end test, and for the curious

const ui = {
  status: $('status'),
  signout: $('signout'),
  signin: $('signin'),
  signinForm: $('signin-form'),
  name: $('name'),
  token: $('token'),
  tokenBox: $('token-box'),
  nameError: $('name-error'),
  chat: $('chat'),
  joinForm: $('join-form'),
  joinName: $('join-name'),
  directory: $('directory'),
  directoryRefresh: $('directory-refresh'),
  notices: $('notices'),
  tabs: $('tabs'),
  panels: $('panels'),
  empty: $('empty'),
  template: $('panel-template'),
};

/** What the server said in /config: whether it needs a token, and its message limit. */
const config = { auth: false, maxMessageBytes: 1048576, maxLineBytes: 1048576, loaded: false };

/**
 * group name -> { tab, badge, panel, list, input, send, error, marker, members, names, items,
 * joined, fresh (new messages below while scrolled up), olderState, lastSent }
 * items: what the list shows, in order: { kind: 'msg', seq, ts, from, text, id, pending, history }
 * or { kind: 'notice' | 'divider', text }.
 */
const panes = new Map();
let me = null;
let active = null;
let nextId = 0;
/** The last text sent from any message box, for Up in an empty box. */
let lastTyped = '';

// ---------------------------------------------------------------- notices

function notice(text, kind = 'info') {
  const li = el('li', kind === 'error' ? 'error' : '', text);
  ui.notices.append(li);
  while (ui.notices.children.length > 50) ui.notices.firstElementChild.remove();
}

function paneNotice(group, text) {
  const p = panes.get(group);
  if (p) appendItem(p, { kind: 'notice', text });
}

// ---------------------------------------------------------------- /config, before connecting

async function loadConfig() {
  try {
    const res = await fetch('config', { cache: 'no-store', signal: AbortSignal.timeout(5000) });
    const c = await res.json();
    config.auth = c.auth === true;
    if (Number.isInteger(c.max_message_bytes)) config.maxMessageBytes = c.max_message_bytes;
    if (Number.isInteger(c.max_line_bytes)) config.maxLineBytes = c.max_line_bytes;
  } catch {
    // An older server, or none: offer the field rather than lock anyone out.
    config.auth = true;
  }
  config.loaded = true;
  ui.tokenBox.hidden = !config.auth;
}
const configLoaded = loadConfig();

// ---------------------------------------------------------------- connection state

const STATUS = {
  idle: () => 'Not connected',
  connecting: () => 'Connecting…',
  connected: (d) => `Connected as ${d.name}`,
  reconnecting: (d) => {
    const why = d.reason ? ` (${d.reason})` : d.code && d.code !== 1006 ? ` (code ${d.code})` : '';
    return `Connection lost${why}. Reconnecting in ${Math.ceil(d.retryInMs / 1000)} s…`;
  },
};

client.on('status', (d) => {
  ui.status.dataset.state = d.state;
  ui.status.textContent = STATUS[d.state](d);
  ui.directoryRefresh.disabled = d.state !== 'connected';
});

ui.signinForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = ui.name.value.trim();
  if (!name) return;
  ui.nameError.textContent = '';
  ui.signinForm.querySelector('button').disabled = true;
  askNotificationsOnce();
  await configLoaded;
  client.connect(name, config.auth ? ui.token.value.trim() : '');
});

client.on('welcome', ({ name, reconnected, auth }) => {
  me = name;
  if (auth) ui.tokenBox.hidden = false;
  try {
    localStorage.setItem('parley.name', name);
  } catch {
    // private mode: nothing to remember
  }
  // The client has re-joined every group already, so this list counts us in them.
  client.listGroups();
  if (reconnected) {
    notice('Reconnected; catching up on each group.');
    return;
  }
  ui.signinForm.querySelector('button').disabled = false;
  ui.signin.hidden = true;
  ui.chat.hidden = false;
  ui.signout.hidden = false;
  ui.joinName.focus();
});

client.on('name-rejected', ({ text, reconnecting }) => {
  if (reconnecting) {
    notice(`Reconnecting: ${text}`, 'error');
    return;
  }
  ui.signinForm.querySelector('button').disabled = false;
  ui.nameError.textContent = text;
  ui.name.focus();
  ui.name.select();
});

ui.signout.addEventListener('click', () => {
  client.disconnect();
  for (const group of [...panes.keys()]) removePane(group);
  ui.notices.replaceChildren();
  ui.directory.replaceChildren();
  ui.chat.hidden = true;
  ui.signout.hidden = true;
  ui.signin.hidden = false;
  ui.name.focus();
});

// ---------------------------------------------------------------- notifications

/** Asked once, from the sign-in click (a user's gesture), never on load. */
function askNotificationsOnce() {
  if (!('Notification' in window) || Notification.permission !== 'default') return;
  try {
    if (localStorage.getItem('parley.notifications-asked')) return;
    localStorage.setItem('parley.notifications-asked', '1');
  } catch {
    // no storage: ask anyway, this once per page
  }
  Notification.requestPermission().catch(() => {});
}

function notifyMention(group, from, text) {
  if (!document.hidden || !me || from === me || !mentions(text, me)) return;
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(`${from ?? 'someone'} in ${group}`, { body: text.slice(0, 200), tag: `parley-${group}` });
    n.onclick = () => {
      window.focus();
      if (panes.has(group)) selectTab(group);
    };
  } catch {
    // some browsers allow notifications only from a service worker
  }
}

// ---------------------------------------------------------------- the directory

ui.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const group = ui.joinName.value.trim();
  if (!group) return;
  joinGroup(group);
  ui.joinName.value = '';
});

function joinGroup(group) {
  const fresh = !panes.has(group);
  if (fresh) {
    createPane(group);
    client.join(group); // asks for the members too
    refreshDirectorySoon();
  }
  selectTab(group, !fresh);
  panes.get(group).input.focus();
}

ui.directoryRefresh.addEventListener('click', () => client.listGroups());

let directoryTimer = null;
/** Refreshes "On this server" shortly (several joins and leaves together make one List). */
function refreshDirectorySoon() {
  if (directoryTimer) return;
  directoryTimer = setTimeout(() => {
    directoryTimer = null;
    if (client.connected) client.listGroups();
  }, 300);
}
setInterval(() => {
  if (client.connected && !document.hidden) client.listGroups();
}, 30000);

client.on('groups', ({ groups, append: nextPage }) => {
  if (!nextPage) ui.directory.replaceChildren();
  ui.directory.querySelector('.more')?.remove();
  if (groups.length === 0 && !nextPage) {
    ui.directory.append(el('li', 'help', 'No groups yet.'));
  }
  for (const { name, members } of groups) {
    const li = el('li');
    const join = el('button', 'quiet', name);
    join.type = 'button';
    join.title = panes.has(name) ? `Go to ${name}` : `Join ${name}`;
    join.addEventListener('click', () => joinGroup(name));
    li.append(join, el('span', 'count', `${members} ${members === 1 ? 'member' : 'members'}`));
    ui.directory.append(li);
  }
});

// The directory shows a page of groups at a time (the server's default, 100); a button asks for the next.
client.on('groups-more', ({ more, after }) => {
  if (!more || after === null) return;
  const li = el('li', 'more');
  const next = el('button', 'quiet', 'More groups…');
  next.type = 'button';
  next.addEventListener('click', () => client.listGroups(after));
  li.append(next);
  ui.directory.append(li);
});

// ---------------------------------------------------------------- panes

function createPane(group) {
  const id = nextId++;
  const tab = el('button', '', group);
  tab.type = 'button';
  tab.id = `tab-${id}`;
  tab.setAttribute('role', 'tab');
  tab.setAttribute('aria-controls', `panel-${id}`);
  tab.setAttribute('aria-selected', 'false');
  tab.tabIndex = -1;
  const badge = el('span', 'unread');
  badge.hidden = true;
  tab.append(badge);
  tab.addEventListener('click', () => selectTab(group));
  ui.tabs.append(tab);

  const panel = ui.template.content.firstElementChild.cloneNode(true);
  panel.id = `panel-${id}`;
  panel.setAttribute('aria-labelledby', tab.id);
  panel.hidden = true;
  const input = panel.querySelector('.post-input');
  input.id = `post-${id}`;
  const label = panel.querySelector('label');
  label.htmlFor = input.id;
  label.textContent = `Message to ${group}`;
  input.placeholder = `Message ${group}`;
  input.title = 'Enter sends, Shift+Enter makes a new line, Up recalls the last message, Escape leaves the box';
  const list = panel.querySelector('.messages');
  list.setAttribute('aria-label', `Messages in ${group}`);
  const error = panel.querySelector('.post-error');
  error.id = `post-error-${id}`;
  input.setAttribute('aria-describedby', error.id);
  const members = panel.querySelector('.members');
  members.setAttribute('aria-label', `Members of ${group}`);
  panel.querySelector('.members-title').textContent = `Members of ${group}`;
  const marker = panel.querySelector('.new-marker');

  const p = {
    group, tab, badge, panel, list, input, error, marker, members,
    names: new Set(), items: [], joined: false, fresh: 0, olderState: 'more', stick: true, lastTop: 0,
  };
  // The list changes size (the window, the message box growing, the members line wrapping): a
  // reader at the bottom stays at the bottom.
  new ResizeObserver(() => {
    if (p.stick && !p.panel.hidden) p.list.scrollTop = p.list.scrollHeight;
  }).observe(list);
  p.older = el('li', 'older-status');
  list.append(p.older);
  setOlderState(p, 'more');

  panel.querySelector('.post-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sendFrom(p);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendFrom(p);
    } else if (event.key === 'ArrowUp' && input.value === '' && lastTyped) {
      // Recalls the last message typed into the box (it edits nothing already sent).
      event.preventDefault();
      input.value = lastTyped;
      fitInput(p);
      checkLength(p);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      input.blur();
      list.focus();
    }
  });
  input.addEventListener('input', () => {
    fitInput(p);
    checkLength(p);
  });
  list.addEventListener('scroll', () => onScroll(p), { passive: true });
  marker.addEventListener('click', () => {
    scrollToBottom(p);
    input.focus();
  });
  panel.querySelector('.members-refresh').addEventListener('click', () => client.members(group));
  panel.querySelector('.leave').addEventListener('click', () => {
    client.leave(group);
    removePane(group);
    refreshDirectorySoon();
  });

  ui.panels.append(panel);
  panes.set(group, p);
  ui.empty.hidden = true;
}

function removePane(group) {
  const p = panes.get(group);
  if (!p) return;
  const order = [...panes.keys()];
  const i = order.indexOf(group);
  p.tab.remove();
  p.panel.remove();
  panes.delete(group);
  unread.forget(group);
  updateTitle();
  if (active === group) {
    active = null;
    unread.show(null, !document.hidden);
    const next = order[i + 1] ?? order[i - 1];
    if (next && panes.has(next)) {
      selectTab(next);
      panes.get(next).input.focus();
    } else {
      ui.joinName.focus();
    }
  }
  ui.empty.hidden = panes.size > 0;
}

function selectTab(group, refreshMembers = true) {
  for (const [name, p] of panes) {
    const on = name === group;
    p.tab.setAttribute('aria-selected', String(on));
    p.tab.tabIndex = on ? 0 : -1;
    p.panel.hidden = !on;
  }
  active = group;
  const p = panes.get(group);
  unread.show(group, !document.hidden);
  showBadge(p);
  updateTitle();
  scrollToBottom(p);
  if (refreshMembers) client.members(group);
}

// Arrow keys move between tabs, as in any tab list.
ui.tabs.addEventListener('keydown', (event) => {
  const order = [...panes.keys()];
  const i = order.indexOf(active);
  if (i < 0) return;
  const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: order.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const group = order[(to + order.length) % order.length];
  selectTab(group);
  panes.get(group).tab.focus();
});

client.on('left', ({ group }) => {
  notice(`Could not join ${group}.`, 'error');
  removePane(group);
});

// ---------------------------------------------------------------- unread counts and the title

function showBadge(p) {
  const n = unread.count(p.group);
  p.badge.textContent = n > 0 ? String(n) : '';
  p.badge.hidden = n === 0;
  p.tab.setAttribute('aria-label', n > 0 ? `${p.group}, ${n} unread` : p.group);
}

function updateTitle() {
  document.title = unread.title();
}

document.addEventListener('visibilitychange', () => {
  unread.show(active, !document.hidden);
  if (active && panes.has(active)) showBadge(panes.get(active));
  updateTitle();
});

// ---------------------------------------------------------------- sending

/** Grows the message box with its text, up to a few lines (then it scrolls). */
function fitInput(p) {
  p.input.style.height = 'auto';
  p.input.style.height = `${Math.min(p.input.scrollHeight + 2, 160)}px`;
}

/**
 * Says when the text is over the server's limits; true when it may be sent. The message limit
 * counts the text's UTF-8 bytes; the request carrying it must also fit in a line (a message full
 * of quotes or control characters grows when escaped), or the server would close the connection.
 */
function checkLength(p) {
  const text = p.input.value;
  const bytes = utf8Bytes(text);
  let problem = null;
  if (bytes > config.maxMessageBytes) {
    problem = `Too long to send: ${bytes} bytes; this server takes at most ${config.maxMessageBytes} bytes a message.`;
  } else if (bytes * 6 + 400 > config.maxLineBytes) {
    const line = postBytes(p.group, text);
    if (line > config.maxLineBytes) {
      problem = `Too long to send: with its escapes the request is ${line} bytes; this server takes at most ${config.maxLineBytes} bytes a request.`;
    }
  }
  p.input.setAttribute('aria-invalid', String(problem !== null));
  if (problem) {
    p.error.textContent = `${problem} Your text is kept in the box.`;
  } else if (p.error.textContent.startsWith('Too long')) {
    p.error.textContent = '';
  }
  return problem === null;
}

function sendFrom(p) {
  const text = p.input.value;
  if (!text.trim()) return;
  if (!checkLength(p)) {
    p.input.focus();
    return;
  }
  p.error.textContent = '';
  const id = client.post(p.group, text);
  lastTyped = text;
  p.input.value = '';
  fitInput(p);
  // Shown at once, marked pending until the server's Posted arrives (sent again on reconnection).
  appendItem(p, { kind: 'msg', seq: null, ts: Date.now(), from: me, text, id, pending: true, history: false }, true);
  p.input.focus();
}

client.on('posted', ({ group, id, seq, ts }) => {
  const p = panes.get(group);
  if (!p) return;
  const item = p.items.find((it) => it.id === id);
  if (!item) return;
  if (item.seq === null && p.items.some((it) => it !== item && it.seq === seq)) {
    removeItem(p, item); // its Message is shown already
    return;
  }
  item.pending = false;
  item.seq = seq;
  item.ts = ts;
  refreshItem(p, item);
});

// ---------------------------------------------------------------- the message list

const GROUP_GAP_MS = 5 * 60 * 1000;

function nearBottom(p) {
  return p.list.scrollHeight - p.list.scrollTop - p.list.clientHeight < 40;
}

function scrollToBottom(p) {
  p.list.scrollTop = p.list.scrollHeight;
  p.stick = true;
  p.fresh = 0;
  p.marker.hidden = true;
}

/**
 * Whether the reader stays at the bottom is decided by the reader's scrolling up, not by the list's
 * size changing: a list that grew shorter (the members line wrapping) has a scrollTop no smaller
 * than before, and the ResizeObserver takes it back to the bottom.
 */
function onScroll(p) {
  if (p.panel.hidden) return;
  const top = p.list.scrollTop;
  if (nearBottom(p)) p.stick = true;
  else if (top < p.lastTop) p.stick = false;
  p.lastTop = top;
  if (p.stick && nearBottom(p)) {
    p.fresh = 0;
    p.marker.hidden = true;
  }
  if (p.list.scrollTop < 80) loadOlder(p);
}

function loadOlder(p) {
  if (p.olderState !== 'more' || !p.joined) return;
  if (client.loadOlder(p.group)) setOlderState(p, 'loading');
}

function setOlderState(p, state) {
  p.olderState = state;
  p.older.replaceChildren();
  p.older.dataset.state = state;
  if (state === 'more') {
    const b = el('button', 'quiet', 'Load older messages');
    b.type = 'button';
    b.addEventListener('click', () => loadOlder(p));
    p.older.append(b);
  } else if (state === 'loading') {
    p.older.textContent = 'Loading older messages…';
  } else {
    p.older.textContent = `The beginning of ${p.group}.`;
  }
}

/** The nodes for `item`, given the message item before it (for day separators and grouping). */
function render(item, prev) {
  const nodes = [];
  if (item.kind !== 'msg') {
    nodes.push(el('li', item.kind, item.text));
    return nodes;
  }
  if (!prev || dayKey(prev.ts) !== dayKey(item.ts)) {
    const sep = el('li', 'day', dayLabel(item.ts));
    sep.setAttribute('role', 'separator');
    nodes.push(sep);
  }
  const li = el('li', 'msg');
  if (item.seq !== null) li.dataset.seq = String(item.seq);
  if (item.id) li.dataset.id = item.id;
  const cont = prev && prev.from === item.from && item.ts - prev.ts < GROUP_GAP_MS && dayKey(prev.ts) === dayKey(item.ts);
  if (cont) li.classList.add('cont');
  if (item.from === me && me !== null) li.classList.add('mine');
  if (item.history) li.classList.add('history');
  if (item.pending) {
    li.classList.add('pending');
    li.setAttribute('aria-busy', 'true');
  }
  li.append(el('span', item.from ? 'from' : 'from anonymous', item.from ?? 'someone'));
  const meta = el('span', 'meta');
  const time = el('time', 'time', shortTime(item.ts));
  time.dateTime = new Date(item.ts).toISOString();
  time.title = fullTime(item.ts);
  meta.append(time);
  if (item.pending) meta.append(el('span', 'state', 'sending…'));
  li.append(meta, el('span', 'text', item.text));
  nodes.push(li);
  return nodes;
}

function lastMsg(p, before = p.items.length) {
  for (let i = before - 1; i >= 0; i--) if (p.items[i].kind === 'msg') return p.items[i];
  return null;
}

/** Adds an item at the bottom; keeps the newest in view if the reader was at the bottom. */
function appendItem(p, item, own = false) {
  const atBottom = p.stick || nearBottom(p);
  const nodes = render(item, item.kind === 'msg' ? lastMsg(p) : null);
  p.items.push(item);
  item.nodes = nodes;
  p.list.append(...nodes);
  if (atBottom || own || p.panel.hidden) {
    p.list.scrollTop = p.list.scrollHeight;
    if (!p.panel.hidden) p.stick = true;
  } else if (item.kind === 'msg' && !item.history) {
    p.fresh++;
    p.marker.textContent = `${p.fresh} new message${p.fresh === 1 ? '' : 's'} ↓`;
    p.marker.hidden = false;
  }
}

function removeItem(p, item) {
  const i = p.items.indexOf(item);
  if (i < 0) return;
  p.items.splice(i, 1);
  for (const n of item.nodes ?? []) n.remove();
  // The next message may start a day or a run of its own now.
  const next = p.items.slice(i).find((it) => it.kind === 'msg');
  if (next) refreshItem(p, next);
}

function refreshItem(p, item) {
  const i = p.items.indexOf(item);
  const atBottom = p.stick || nearBottom(p);
  const nodes = render(item, lastMsg(p, i));
  const anchor = item.nodes?.[0];
  if (anchor) anchor.before(...nodes);
  for (const n of item.nodes ?? []) n.remove();
  item.nodes = nodes;
  if (atBottom) p.list.scrollTop = p.list.scrollHeight;
}

/** Redraws the whole list, keeping what the reader sees where it is (after a page of scroll-back). */
function redraw(p) {
  const fromBottom = p.list.scrollHeight - p.list.scrollTop;
  p.list.setAttribute('aria-busy', 'true');
  const nodes = [p.older];
  let prev = null;
  for (const item of p.items) {
    item.nodes = render(item, item.kind === 'msg' ? prev : null);
    nodes.push(...item.nodes);
    if (item.kind === 'msg') prev = item;
  }
  p.list.replaceChildren(...nodes);
  p.list.scrollTop = p.list.scrollHeight - fromBottom;
  p.list.removeAttribute('aria-busy');
}

client.on('message', ({ group, text, from, seq, ts, catchUp, id }) => {
  const p = panes.get(group);
  if (!p) return;
  if (p.items.some((it) => it.seq === seq && it.kind === 'msg')) return;
  const when = ts ?? Date.now();
  const history = catchUp && !p.joined;
  if (id) {
    // Our own post: its pending line becomes the message (still pending until Posted).
    const mine = p.items.find((it) => it.id === id);
    if (mine) removeItem(p, mine);
    appendItem(p, { kind: 'msg', seq, ts: when, from, text, id, pending: client.pending.has(id), history }, true);
    return;
  }
  appendItem(p, { kind: 'msg', seq, ts: when, from, text, id: null, pending: false, history });
  if (history || from === me) return;
  if (unread.add(group)) {
    showBadge(p);
    updateTitle();
  }
  notifyMention(group, from, text);
});

client.on('older', ({ group, messages, done }) => {
  const p = panes.get(group);
  if (!p) return;
  const seen = new Set(p.items.filter((it) => it.seq !== null).map((it) => it.seq));
  const page = messages.filter((m) => !seen.has(m.seq)).map((m) => ({
    kind: 'msg', seq: m.seq, ts: m.ts ?? Date.now(), from: m.from, text: m.text, id: null, pending: false, history: true,
  }));
  p.items.unshift(...page);
  setOlderState(p, done ? 'done' : 'more');
  redraw(p);
  // Still at the top (a short page): ask for the next one.
  if (!done && p.list.scrollTop < 80) setTimeout(() => loadOlder(p), 50);
});

client.on('reset', ({ group }) => {
  const p = panes.get(group);
  if (!p) return;
  // Keep our pending posts: they are sent again and shown when they land.
  p.items = p.items.filter((it) => it.pending && it.seq === null);
  setOlderState(p, 'more');
  redraw(p);
  appendItem(p, { kind: 'notice', text: 'The messages shown before are gone from the server (it started afresh).' });
});

client.on('members', ({ group, names, append: nextPage }) => {
  const p = panes.get(group);
  if (!p) return;
  if (!p.joined) {
    p.joined = true;
    if (p.items.some((it) => it.kind === 'msg')) appendItem(p, { kind: 'divider', text: 'earlier messages above' });
    if (client.groups.get(group)?.noOlder) setOlderState(p, 'done');
    // History that does not fill the list cannot be scrolled to the top: ask for more at once.
    else if (!p.panel.hidden && p.list.scrollHeight <= p.list.clientHeight) loadOlder(p);
  }
  if (!nextPage) p.names.clear();
  for (const n of names) p.names.add(n);
  drawMembers(p);
});

function drawMembers(p) {
  const items = [...p.names].sort().map((n) => el('li', '', n === me ? `${n} (you)` : n));
  p.members.replaceChildren(...items);
}

client.on('presence', ({ group, name, joined }) => {
  const p = panes.get(group);
  if (!p) return;
  if (joined) p.names.add(name);
  else p.names.delete(name);
  drawMembers(p);
  refreshDirectorySoon();
});

client.on('members-more', ({ group }) => {
  const p = panes.get(group);
  if (p) p.members.append(el('li', 'help', 'and more…'));
});

client.on('lag', ({ group, text }) => {
  paneNotice(group, text);
  notice(text);
});

client.on('gap', ({ group, missing }) => {
  paneNotice(group, `${missing} message${missing === 1 ? '' : 's'} from while you were away could not be fetched.`);
});

client.on('notice', ({ group, text }) => paneNotice(group, text));

client.on('error', ({ text }) => notice(text, 'error'));

// Presence keeps member lists current; a slow refresh of the list in view mends anything missed
// (a group over the server's presence limit sends none).
setInterval(() => {
  if (active && client.connected && !document.hidden) client.members(active);
}, 60000);

// ---------------------------------------------------------------- start

try {
  ui.name.value = localStorage.getItem('parley.name') ?? '';
} catch {
  // no storage
}
ui.name.focus();
