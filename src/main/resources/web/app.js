// The chat page: renders what ChatClient reports and turns the user's actions into requests.
// Everything the server sends is shown with textContent, never parsed as HTML.
//
// Signing in (docs/web.md): anonymously with Hello, to an account with a name and password (Login
// or Register), or with a JWT the embedding application gives: in the URL fragment (#token=...,
// removed from the address bar at once) or through window.parleyGetToken / window.parleyToken,
// set before this script runs (on this window, or on a same-origin parent embedding the page).

import {
  ChatClient, Unread, dayKey, dayLabel, fullTime, mentions, modeWords, postBytes, shortTime, utf8Bytes,
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

/** Reads the token from the fragment (#token=...) once, and takes it out of the address bar and history. */
function takeFragmentToken() {
  if (!location.hash.includes('token=')) return null;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return token || null;
}

/** The window holding the embedding application's hook: this one, else a same-origin parent. */
function hookWindow() {
  const has = (w) => typeof w.parleyGetToken === 'function' || typeof w.parleyToken === 'string';
  if (has(window)) return window;
  try {
    if (window.parent !== window && has(window.parent)) return window.parent;
  } catch {
    // a parent from another origin: no hook there (use #token=)
  }
  return null;
}

const fragmentToken = takeFragmentToken();

/**
 * How the page gets a JWT, or null when nobody gave one: the fragment's token first, then the
 * hook, asked on every connection and before the token expires (so the application can hand
 * over a fresh one); without a hook the fragment's token is all there is.
 */
function tokenSource() {
  if (!fragmentToken && !hookWindow()) return null;
  let first = fragmentToken;
  return async () => {
    if (first) {
      const t = first;
      first = null;
      return t;
    }
    const w = hookWindow();
    if (w && typeof w.parleyGetToken === 'function') return w.parleyGetToken();
    if (w && typeof w.parleyToken === 'string') return w.parleyToken;
    return fragmentToken;
  };
}

const ui = {
  status: $('status'),
  signout: $('signout'),
  signin: $('signin'),
  signinForm: $('signin-form'),
  name: $('name'),
  token: $('token'),
  tokenBox: $('token-box'),
  nameError: $('name-error'),
  account: $('account'),
  accountShown: $('account-name-shown'),
  accountForm: $('account-form'),
  accountName: $('account-name'),
  password: $('password'),
  login: $('login'),
  register: $('register'),
  accountError: $('account-error'),
  anonymous: $('anonymous'),
  tokenWait: $('token-wait'),
  dmBox: $('dm-box'),
  dmForm: $('dm-form'),
  dmName: $('dm-name'),
  conversations: $('conversations'),
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

/**
 * What the server said in /config: whether it needs a token, how accounts sign in (accounts:
 * none, optional or required; registration: open or closed; jwt), and its message limits.
 */
const config = {
  auth: false, accounts: 'none', registration: 'closed', jwt: false, maxMessageBytes: 1048576, maxLineBytes: 1048576, loaded: false,
};

/**
 * group name -> { kind: 'group', tab, badge, panel, list, input, send, error, marker, members, names, items,
 * joined, fresh (new messages below while scrolled up), olderState, lastSent }
 * items: what the list shows, in order: { kind: 'msg', seq, ts, from, text, id, pending, history }
 * or { kind: 'notice' | 'divider', text }.
 */
const panes = new Map();
/** account name -> the pane of the conversation with it: as a group's, with kind 'dm' and `with`. */
const dmPanes = new Map();
let me = null;
/** The group on screen (null: none, or a conversation). */
let active = null;
/** The pane on screen, a group's or a conversation's. */
let activePane = null;
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
    if (['none', 'optional', 'required'].includes(c.accounts)) config.accounts = c.accounts;
    config.registration = c.registration === 'open' ? 'open' : 'closed';
    config.jwt = c.jwt === true;
    if (Number.isInteger(c.max_message_bytes)) config.maxMessageBytes = c.max_message_bytes;
    if (Number.isInteger(c.max_line_bytes)) config.maxLineBytes = c.max_line_bytes;
  } catch {
    // An older server, or none: offer every way in rather than lock anyone out.
    config.auth = true;
    config.accounts = 'optional';
    config.registration = 'open';
  }
  config.loaded = true;
  ui.tokenBox.hidden = !config.auth;
  showSignInChoices();
}

/** The sign-in forms this server takes: an account's (unless it has none), a name (unless accounts are required). */
function showSignInChoices() {
  ui.accountForm.hidden = config.accounts === 'none';
  ui.anonymous.hidden = config.accounts === 'required';
  ui.register.hidden = config.registration !== 'open';
}
const configLoaded = loadConfig();

// ---------------------------------------------------------------- connection state

const STATUS = {
  idle: () => 'Not connected',
  connecting: () => 'Connecting…',
  connected: (d) => `Connected as ${d.name ?? client.name}`,
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

// Name and password: Login, or Register (which creates the account). The password field is
// emptied at once; the client keeps the password in memory only, to sign in again on reconnection.
function accountSignIn(register) {
  if (!ui.accountForm.reportValidity()) return;
  const name = ui.accountName.value.trim();
  const password = ui.password.value;
  ui.password.value = '';
  ui.accountError.textContent = '';
  ui.login.disabled = true;
  ui.register.disabled = true;
  askNotificationsOnce();
  configLoaded.then(() => client.signIn(name, password, { register }));
}

ui.accountForm.addEventListener('submit', (event) => {
  event.preventDefault();
  accountSignIn(false);
});
ui.register.addEventListener('click', () => accountSignIn(true));

/** The application's token (fragment or hook), if it gave one: signs in with it at once. */
async function signInWithToken() {
  const source = tokenSource();
  if (!source) return false;
  ui.tokenWait.hidden = false;
  ui.accountForm.hidden = true;
  ui.anonymous.hidden = true;
  await configLoaded;
  ui.accountForm.hidden = true;
  ui.anonymous.hidden = true;
  client.signInWithToken(source);
  return true;
}

client.on('welcome', ({ name, reconnected, auth, account }) => {
  me = name;
  if (auth) ui.tokenBox.hidden = false;
  if (client.mode === 'hello') {
    try {
      localStorage.setItem('parley.name', name);
    } catch {
      // private mode: nothing to remember
    }
  }
  ui.account.hidden = !account;
  ui.accountShown.textContent = account ? name : '';
  ui.dmBox.hidden = !account;
  ui.tokenWait.hidden = true;
  updateTitle(); // Welcome's unread direct messages, until Conversations tells them apart
  // The client has re-joined every group already, so this list counts us in them.
  client.listGroups();
  if (reconnected) {
    notice('Reconnected; catching up on each group.');
    return;
  }
  ui.signinForm.querySelector('button').disabled = false;
  ui.login.disabled = false;
  ui.register.disabled = false;
  ui.signin.hidden = true;
  ui.chat.hidden = false;
  ui.signout.hidden = false;
  ui.joinName.focus();
});

const ACCOUNT_REQUIRED = /^this server requires an account/;

client.on('name-rejected', ({ text, reconnecting, mode, final }) => {
  if (reconnecting && !final) {
    notice(`Reconnecting: ${text}`, 'error');
    return;
  }
  if (reconnecting) signOut();
  ui.tokenWait.hidden = true;
  ui.signinForm.querySelector('button').disabled = false;
  ui.login.disabled = false;
  ui.register.disabled = false;
  if (mode === 'hello' && !ACCOUNT_REQUIRED.test(text)) {
    ui.nameError.textContent = text;
    ui.name.focus();
    ui.name.select();
    return;
  }
  // A refused password or token, or a server that wants an account: the account form says why.
  if (ACCOUNT_REQUIRED.test(text)) config.accounts = 'required';
  if (config.accounts === 'none') config.accounts = 'optional';
  showSignInChoices();
  ui.accountError.textContent = mode === 'jwt' ? `Sign-in with the application's token failed: ${text}` : text;
  if (mode === 'hello') ui.accountName.value = ui.name.value;
  ui.accountName.focus();
});

/** Back to the sign-in forms: the connection, the panes, the lists and the password are gone. */
function signOut() {
  client.disconnect();
  for (const group of [...panes.keys()]) removePane(group);
  for (const name of [...dmPanes.keys()]) removeDmPane(name);
  ui.notices.replaceChildren();
  ui.directory.replaceChildren();
  ui.conversations.replaceChildren();
  conversationOrder.length = 0;
  ui.account.hidden = true;
  ui.dmBox.hidden = true;
  ui.chat.hidden = true;
  ui.signout.hidden = true;
  ui.signin.hidden = false;
  ui.tokenWait.hidden = true;
  showSignInChoices();
  updateTitle();
  (ui.anonymous.hidden ? ui.accountName : ui.name).focus();
}

ui.signout.addEventListener('click', signOut);

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
  if (panes.get(group)?.removed) removePane(group); // kicked or banned: joining again starts afresh
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

/**
 * The parts every pane has, a group's or a conversation's: its tab, its list of messages with
 * scroll-back and the "new messages" marker, and its message box. `kind` is 'group' or 'dm'.
 */
function buildPane(kind, { tabText, tabTitle, logLabel, inputLabel, placeholder, sideTitle }) {
  const id = nextId++;
  const tab = el('button', kind === 'dm' ? 'dm-tab' : '', tabText);
  tab.type = 'button';
  tab.id = `tab-${id}`;
  if (tabTitle) tab.title = tabTitle;
  tab.setAttribute('role', 'tab');
  tab.setAttribute('aria-controls', `panel-${id}`);
  tab.setAttribute('aria-selected', 'false');
  tab.tabIndex = -1;
  const badge = el('span', 'unread');
  badge.hidden = true;
  tab.append(badge);
  ui.tabs.append(tab);

  const panel = ui.template.content.firstElementChild.cloneNode(true);
  panel.id = `panel-${id}`;
  panel.setAttribute('aria-labelledby', tab.id);
  panel.hidden = true;
  const input = panel.querySelector('.post-input');
  input.id = `post-${id}`;
  const label = panel.querySelector('.post-form label');
  label.htmlFor = input.id;
  label.textContent = inputLabel;
  input.placeholder = placeholder;
  input.title = 'Enter sends, Shift+Enter makes a new line, Up recalls the last message, Escape leaves the box';
  const list = panel.querySelector('.messages');
  list.setAttribute('aria-label', logLabel);
  const error = panel.querySelector('.post-error');
  error.id = `post-error-${id}`;
  input.setAttribute('aria-describedby', error.id);
  const members = panel.querySelector('.members');
  panel.querySelector('.members-title').textContent = sideTitle;
  const marker = panel.querySelector('.new-marker');

  const p = {
    kind, tab, badge, panel, list, input, error, marker, members,
    names: new Set(), items: [], joined: false, fresh: 0, olderState: 'more', stick: true, lastTop: 0,
  };
  tab.addEventListener('click', () => showPane(p));
  // The list changes size (the window, the message box growing, the members line wrapping): a
  // reader at the bottom stays at the bottom.
  new ResizeObserver(() => {
    if (p.stick && !p.panel.hidden) p.list.scrollTop = p.list.scrollHeight;
  }).observe(list);
  p.older = el('li', 'older-status');
  list.append(p.older);

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
  ui.panels.append(panel);
  ui.empty.hidden = true;
  return p;
}

function createPane(group) {
  const p = buildPane('group', {
    tabText: group, logLabel: `Messages in ${group}`, inputLabel: `Message to ${group}`,
    placeholder: `Message ${group}`, sideTitle: `Members of ${group}`,
  });
  p.group = group;
  p.beginning = `The beginning of ${group}.`;
  p.members.setAttribute('aria-label', `Members of ${group}`);
  setOlderState(p, 'more');
  p.panel.querySelector('.members-refresh').addEventListener('click', () => client.members(group));
  wireModeration(p);
  p.panel.querySelector('.leave').addEventListener('click', () => {
    client.leave(group);
    removePane(group);
    refreshDirectorySoon();
  });
  panes.set(group, p);
}

/** A conversation's pane: like a group's, with Block/Unblock and Close instead of the members. */
function createDmPane(name) {
  const p = buildPane('dm', {
    tabText: `@${name}`, tabTitle: `Direct messages with ${name}`, logLabel: `Direct messages with ${name}`,
    inputLabel: `Direct message to ${name}`, placeholder: `Message ${name}`, sideTitle: `Conversation with ${name}`,
  });
  p.with = name;
  p.group = name; // what the length check counts the request with
  p.beginning = `The beginning of your conversation with ${name}.`;
  p.panel.classList.add('dm-panel');
  for (const sel of ['.members', '.members-note', '.members-refresh']) p.panel.querySelector(sel).hidden = true;
  p.block = p.panel.querySelector('.block');
  p.block.hidden = false;
  drawBlock(p);
  p.block.addEventListener('click', () => (client.blocked.has(name) ? client.unblock(name) : client.block(name)));
  const close = p.panel.querySelector('.leave');
  close.textContent = 'Close conversation';
  close.className = 'quiet leave';
  close.addEventListener('click', () => removeDmPane(name));
  setOlderState(p, 'loading');
  dmPanes.set(name, p);
}

function drawBlock(p) {
  const blocked = client.blocked.has(p.with);
  p.block.textContent = blocked ? `Unblock ${p.with}` : `Block ${p.with}`;
  p.block.title = blocked
    ? `Let ${p.with}'s new messages reach you again`
    : `${p.with}'s messages will no longer reach you (they are not told)`;
}

function allPanes() {
  return [...panes.values(), ...dmPanes.values()];
}

/** Takes a pane off the page; the one beside it (or the join box) takes the focus if it was on screen. */
function dropPane(p) {
  const order = [...ui.tabs.children];
  const i = order.indexOf(p.tab);
  p.tab.remove();
  p.panel.remove();
  if (activePane === p) {
    activePane = null;
    active = null;
    unread.show(null, !document.hidden);
    const next = order[i + 1] ?? order[i - 1];
    const q = allPanes().find((x) => x.tab === next);
    if (q) {
      showPane(q);
      q.input.focus();
    } else {
      ui.joinName.focus();
    }
  }
  ui.empty.hidden = panes.size + dmPanes.size > 0;
  updateTitle();
}

function removePane(group) {
  const p = panes.get(group);
  if (!p) return;
  panes.delete(group);
  unread.forget(group);
  dropPane(p);
}

function removeDmPane(name) {
  const p = dmPanes.get(name);
  if (!p) return;
  dmPanes.delete(name);
  client.closeConversation(name);
  dropPane(p);
}

function selectTab(group, refreshMembers = true) {
  showPane(panes.get(group));
  if (refreshMembers) client.members(group);
}

/** Puts `p` on screen; a group is read, a conversation's read marker moved to its newest message. */
function showPane(p) {
  for (const q of allPanes()) {
    const on = q === p;
    q.tab.setAttribute('aria-selected', String(on));
    q.tab.tabIndex = on ? 0 : -1;
    q.panel.hidden = !on;
  }
  activePane = p;
  active = p.kind === 'group' ? p.group : null;
  unread.show(active, !document.hidden);
  if (p.kind === 'group') showBadge(p);
  else readConversation(p);
  updateTitle();
  scrollToBottom(p);
}

// Arrow keys move between tabs, as in any tab list.
ui.tabs.addEventListener('keydown', (event) => {
  const order = [...ui.tabs.children].map((tab) => allPanes().find((q) => q.tab === tab));
  const i = order.indexOf(activePane);
  if (i < 0) return;
  const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: order.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const q = order[(to + order.length) % order.length];
  if (q.kind === 'group') selectTab(q.group);
  else showPane(q);
  q.tab.focus();
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

/** The title counts unread group messages and unread direct messages: `(3) Parley`. */
function updateTitle() {
  const n = unread.total + client.directUnreadTotal;
  document.title = n > 0 ? `(${n}) ${unread.base}` : unread.base;
}

document.addEventListener('visibilitychange', () => {
  unread.show(active, !document.hidden);
  if (active && panes.has(active)) showBadge(panes.get(active));
  if (activePane?.kind === 'dm') readConversation(activePane);
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
  const id = p.kind === 'dm' ? client.direct(p.with, text) : client.post(p.group, text);
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
  const asked = p.kind === 'dm' ? client.loadOlderDirect(p.with) : client.loadOlder(p.group);
  if (asked) setOlderState(p, 'loading');
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
    p.older.textContent = p.beginning;
  }
}

/** The nodes for `item`, given the message item before it (for day separators and grouping). */
function render(item, prev) {
  const nodes = [];
  if (timed(item) && (!prev || dayKey(prev.ts) !== dayKey(item.ts))) {
    const sep = el('li', 'day', dayLabel(item.ts));
    sep.setAttribute('role', 'separator');
    nodes.push(sep);
  }
  if (item.kind === 'event') {
    const li = el('li', `event kind-${item.event.kind}`);
    li.dataset.eventSeq = String(item.seq);
    const time = el('time', 'time', shortTime(item.ts));
    time.dateTime = new Date(item.ts).toISOString();
    time.title = fullTime(item.ts);
    li.append(el('span', 'text', item.text), time);
    nodes.push(li);
    return nodes;
  }
  if (item.kind !== 'msg') {
    nodes.push(el('li', item.kind, item.text));
    return nodes;
  }
  const li = el('li', 'msg');
  if (item.seq !== null) li.dataset.seq = String(item.seq);
  if (item.id) li.dataset.id = item.id;
  const cont = prev && prev.kind === 'msg' && prev.from === item.from && item.ts - prev.ts < GROUP_GAP_MS && dayKey(prev.ts) === dayKey(item.ts);
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
  if (item.failed) {
    li.classList.add('failed');
    meta.append(el('span', 'state', 'not delivered'));
  }
  li.append(meta, el('span', 'text', item.text));
  nodes.push(li);
  return nodes;
}

/** The message or group event before index `before`: what day separators and runs follow. */
function lastMsg(p, before = p.items.length) {
  for (let i = before - 1; i >= 0; i--) if (timed(p.items[i])) return p.items[i];
  return null;
}

function timed(item) {
  return item.kind === 'msg' || item.kind === 'event';
}

/** Adds an item at the bottom; keeps the newest in view if the reader was at the bottom. */
function appendItem(p, item, own = false) {
  const atBottom = p.stick || nearBottom(p);
  const nodes = render(item, timed(item) ? lastMsg(p) : null);
  p.items.push(item);
  item.nodes = nodes;
  p.list.append(...nodes);
  if (atBottom || own || p.panel.hidden) {
    p.list.scrollTop = p.list.scrollHeight;
    if (!p.panel.hidden) p.stick = true;
  } else if (item.kind === 'msg' && !item.history) {
    p.fresh++;
    // The arrow is for the eye: a screen reader names the button "2 new messages", nothing more.
    const arrow = el('span', '', ' ↓');
    arrow.setAttribute('aria-hidden', 'true');
    p.marker.replaceChildren(`${p.fresh} new message${p.fresh === 1 ? '' : 's'}`, arrow);
    p.marker.hidden = false;
  }
}

function removeItem(p, item) {
  const i = p.items.indexOf(item);
  if (i < 0) return;
  p.items.splice(i, 1);
  for (const n of item.nodes ?? []) n.remove();
  // The next message may start a day or a run of its own now.
  const next = p.items.slice(i).find(timed);
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
    item.nodes = render(item, timed(item) ? prev : null);
    nodes.push(...item.nodes);
    if (timed(item)) prev = item;
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
  const page = messages.filter((m) => !seen.has(m.seq)).map((m) => (m.event ? eventItem(m, true) : {
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
    client.groupInfo(group);
    if (p.items.some((it) => it.kind === 'msg')) appendItem(p, { kind: 'divider', text: 'earlier messages above' });
    if (client.groups.get(group)?.noOlder) setOlderState(p, 'done');
    // History that does not fill the list cannot be scrolled to the top: ask for more at once.
    else if (!p.panel.hidden && p.list.scrollHeight <= p.list.clientHeight) loadOlder(p);
  }
  if (!nextPage) p.names.clear();
  for (const n of names) p.names.add(n);
  drawMembers(p);
});

/**
 * The member list: each name (the owner and operators marked, from GroupInfo) and, for a member
 * this page's account may act on, a menu of what it may do (see memberMenu).
 */
function drawMembers(p) {
  const state = client.groupState(p.group);
  const mine = client.roleOf(p.group);
  const items = [...p.names].sort().map((n) => {
    const li = el('li', '', n === me ? `${n} (you)` : n);
    li.dataset.name = n;
    const role = state?.owner === n ? 'owner' : state?.operators.includes(n) ? 'operator' : null;
    if (role) {
      li.classList.add(role);
      li.append(el('span', `role ${role}`, role === 'owner' ? ' owner' : ' op'));
    }
    if (state?.muted.has(n)) li.append(el('span', 'role muted', ' muted'));
    if (mine && n !== me && client.account && role !== 'owner') li.append(memberMenuButton(p, n, mine, role));
    return li;
  });
  p.members.replaceChildren(...items);
  p.openMenu = null;
}

/** The "…" button beside a member, which opens the member's menu. */
function memberMenuButton(p, name, mine, role) {
  const b = el('button', 'quiet member-menu', '⋯');
  b.type = 'button';
  b.setAttribute('aria-label', `Actions for ${name}`);
  b.setAttribute('aria-haspopup', 'menu');
  b.setAttribute('aria-expanded', 'false');
  b.addEventListener('click', () => {
    const open = b.getAttribute('aria-expanded') === 'true';
    p.members.querySelectorAll('.member-actions').forEach((m) => m.remove());
    p.members.querySelectorAll('.member-menu').forEach((x) => x.setAttribute('aria-expanded', 'false'));
    if (open) return;
    b.setAttribute('aria-expanded', 'true');
    b.after(memberMenu(p, name, mine, role, b));
  });
  return b;
}

const DURATIONS = [['', 'for good'], ['10m', '10 minutes'], ['1h', '1 hour'], ['24h', '24 hours'], ['7d', '7 days']];

/**
 * What this page's account may do to `name`: operators and the owner kick, ban and mute (with an
 * optional reason and duration); the owner also makes and unmakes operators and hands ownership
 * over. The server decides in the end: a refusal comes back as an Error in Notices.
 */
function memberMenu(p, name, mine, role, button) {
  const box = el('div', 'member-actions');
  box.setAttribute('role', 'menu');
  box.setAttribute('aria-label', `Actions for ${name}`);
  const reason = el('input', 'reason');
  reason.placeholder = 'reason (optional)';
  reason.setAttribute('aria-label', `Reason (for ${name})`);
  reason.maxLength = 300;
  const length = el('select', 'duration');
  length.setAttribute('aria-label', `How long (for ${name})`);
  for (const [value, words] of DURATIONS) {
    const o = el('option', '', words);
    o.value = value;
    length.append(o);
  }
  const close = () => {
    box.remove();
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  };
  const item = (text, kind, fields) => {
    const b = el('button', 'quiet', text);
    b.type = 'button';
    b.setAttribute('role', 'menuitem');
    b.addEventListener('click', () => {
      client.moderate(kind, p.group, { name, ...fields() });
      close();
    });
    return b;
  };
  const muted = client.groupState(p.group)?.muted.has(name);
  box.append(reason, length,
    item('Kick', 'Kick', () => ({ reason: reason.value.trim() })),
    item('Ban', 'Ban', () => ({ reason: reason.value.trim(), for: length.value })),
    muted ? item('Unmute', 'Unmute', () => ({})) : item('Mute', 'Mute', () => ({ for: length.value })));
  if (mine === 'owner') {
    box.append(role === 'operator' ? item('Remove operator', 'Deop', () => ({})) : item('Make operator', 'Op', () => ({})),
      item('Make owner', 'Owner', () => ({})));
  }
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  return box;
}

// ---------------------------------------------------------------- topic, modes, bans

/** The topic line, the modes and the operators' controls of a group's pane. */
function wireModeration(p) {
  const q = (sel) => p.panel.querySelector(sel);
  Object.assign(p, {
    head: q('.group-head'), topic: q('.topic'), editTopic: q('.edit-topic'), topicForm: q('.topic-form'),
    topicInput: q('.topic-input'), modesLine: q('.modes-line'), modesBox: q('.modes-box'), inviteForm: q('.invite-form'),
    bannedBox: q('.banned-box'), banned: q('.banned'),
  });
  const id = p.input.id;
  p.topicInput.id = `topic-${id}`;
  p.topicForm.querySelector('label').htmlFor = p.topicInput.id;
  p.topicForm.querySelector('label').textContent = `Topic of ${p.group}`;
  p.topic.id = `topic-text-${id}`;
  p.panel.setAttribute('aria-describedby', p.topic.id);
  p.editTopic.addEventListener('click', () => {
    p.topicInput.value = client.groupState(p.group)?.topic?.topic ?? '';
    p.topicForm.hidden = false;
    p.editTopic.hidden = true;
    p.topicInput.focus();
  });
  const closeTopic = () => {
    p.topicForm.hidden = true;
    drawModeration(p);
  };
  p.topicForm.querySelector('.topic-cancel').addEventListener('click', closeTopic);
  p.topicForm.addEventListener('submit', (event) => {
    event.preventDefault();
    client.moderate('Topic', p.group, { topic: p.topicInput.value.trim() });
    closeTopic();
  });
  p.topicInput.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      closeTopic();
    }
  });
  for (const box of p.modesBox.querySelectorAll('input.mode')) {
    box.addEventListener('change', () => client.moderate('Mode', p.group, { [box.dataset.mode]: box.checked }));
  }
  const invite = p.inviteForm.querySelector('.invite-name');
  invite.id = `invite-${id}`;
  p.inviteForm.querySelector('.invite-label').htmlFor = invite.id;
  p.inviteForm.querySelector('.invite-label').textContent = `Invite to ${p.group}`;
  p.inviteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = invite.value.trim();
    if (!name) return;
    client.moderate('Invite', p.group, { name });
    invite.value = '';
  });
  p.banned.setAttribute('aria-label', `Banned from ${p.group}`);
}

/**
 * Shows what the page knows of the group's settings: the topic under the tab (with *Edit topic*
 * for operators and the owner), the modes, and for them the mode switches, the invite box (in an
 * invite-only group) and the bans seen with *Unban*. Nothing shows for a group with none of it.
 */
function drawModeration(p) {
  const state = client.groupState(p.group);
  if (!state || !p.head) return;
  const allowed = client.account && client.roleOf(p.group) !== null;
  const topic = state.topic?.topic ?? '';
  p.topic.textContent = topic;
  p.topic.title = state.topic?.by ? `Set by ${state.topic.by}${state.topic.ts ? `, ${fullTime(state.topic.ts)}` : ''}` : '';
  p.editTopic.hidden = !allowed || !p.topicForm.hidden;
  p.editTopic.textContent = topic ? 'Edit topic' : 'Set a topic';
  const modes = modeWords(state.modes);
  p.modesLine.textContent = modes === 'open' && !allowed ? '' : `Modes: ${modes}`;
  p.head.hidden = !topic && !allowed && modes === 'open';
  p.modesBox.hidden = !allowed;
  for (const box of p.modesBox.querySelectorAll('input.mode')) box.checked = state.modes[box.dataset.mode] === true;
  p.inviteForm.hidden = !allowed || !state.modes.invite_only;
  const banned = [...state.banned].sort();
  p.bannedBox.hidden = !allowed || banned.length === 0;
  p.banned.replaceChildren(...banned.map((name) => {
    const li = el('li', '', name);
    const b = el('button', 'quiet', 'Unban');
    b.type = 'button';
    b.setAttribute('aria-label', `Unban ${name}`);
    b.addEventListener('click', () => client.moderate('Unban', p.group, { name }));
    li.append(' ', b);
    return li;
  }));
}

client.on('group-info', ({ group }) => {
  const p = panes.get(group);
  if (!p) return;
  drawMembers(p);
  drawModeration(p);
});

client.on('topic', ({ group }) => {
  const p = panes.get(group);
  if (p) drawModeration(p);
});

/** A group event as a line of the timeline, live or from history and scroll-back. */
function eventItem(m, history) {
  return { kind: 'event', seq: m.seq, ts: m.ts ?? Date.now(), from: m.from, text: m.text, event: m.event, history };
}

client.on('group-event', (m) => {
  const p = panes.get(m.group);
  if (!p) {
    if (m.event.kind === 'invite' || m.event.kind === 'drop') notice(m.text);
    return;
  }
  if (!p.items.some((it) => it.kind === 'event' && it.seq === m.seq && m.seq > 0)) {
    appendItem(p, eventItem(m, m.catchUp && !p.joined));
  }
  drawMembers(p);
  drawModeration(p);
});

client.on('removed', ({ group, text }) => {
  const p = panes.get(group);
  notice(text, 'error');
  if (!p) return;
  // The pane stays, to read; it can no longer post. Leave closes it; joining again starts afresh.
  p.removed = true;
  p.input.disabled = true;
  p.panel.querySelector('.post-form button').disabled = true;
  p.error.textContent = `${text}. You are no longer a member of ${group}.`;
  p.names.clear();
  drawMembers(p);
  refreshDirectorySoon();
});

client.on('invited', ({ group, text }) => notice(`${text}: join it from the box above.`));

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

// ---------------------------------------------------------------- direct messages

/** The conversations in the sidebar, the most recently active first. */
const conversationOrder = [];

ui.dmForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = ui.dmName.value.trim();
  if (!name) return;
  if (name === me) {
    notice('That is you: pick someone else to write to.', 'error');
    return;
  }
  openConversation(name);
  ui.dmName.value = '';
});

function openConversation(name) {
  if (!dmPanes.has(name)) {
    createDmPane(name);
    client.openConversation(name);
    if (!conversationOrder.includes(name)) {
      conversationOrder.unshift(name);
      drawConversations();
    }
  }
  const p = dmPanes.get(name);
  showPane(p);
  p.input.focus();
}

/** The sidebar's list: each conversation with its unread count; the one on screen is marked. */
function drawConversations() {
  const items = conversationOrder.map((name) => {
    const n = client.directUnread(name);
    const li = el('li');
    const b = el('button', 'quiet', name);
    b.type = 'button';
    b.dataset.with = name;
    b.setAttribute('aria-label', n > 0 ? `${name}, ${n} unread` : name);
    b.title = `Direct messages with ${name}`;
    if (activePane?.kind === 'dm' && activePane.with === name) b.setAttribute('aria-current', 'true');
    b.addEventListener('click', () => openConversation(name));
    const badge = el('span', 'unread', n > 0 ? String(n) : '');
    badge.hidden = n === 0;
    li.append(b, badge);
    return li;
  });
  if (items.length === 0) items.push(el('li', 'help', 'No conversations yet.'));
  ui.conversations.replaceChildren(...items);
  for (const p of dmPanes.values()) {
    const n = client.directUnread(p.with);
    p.badge.textContent = n > 0 ? String(n) : '';
    p.badge.hidden = n === 0;
    p.tab.setAttribute('aria-label', n > 0 ? `${p.with}, ${n} unread` : `Direct messages with ${p.with}`);
  }
  updateTitle();
}

/** A conversation on screen, with the page visible, is read: its marker moves to its newest message. */
function readConversation(p) {
  if (activePane === p && !p.panel.hidden && !document.hidden) client.markRead(p.with);
  drawConversations();
}

client.on('conversations', ({ list }) => {
  const known = new Set(list.map((c) => c.with));
  const rest = conversationOrder.filter((name) => !known.has(name));
  conversationOrder.length = 0;
  conversationOrder.push(...list.map((c) => c.with), ...rest);
  drawConversations();
  if (activePane?.kind === 'dm') readConversation(activePane);
});

client.on('direct-new', ({ with: name, from, text }) => {
  const i = conversationOrder.indexOf(name);
  if (i >= 0) conversationOrder.splice(i, 1);
  conversationOrder.unshift(name);
  const p = dmPanes.get(name);
  if (p && activePane === p) readConversation(p);
  else drawConversations();
  if (from !== me) notifyDirect(name, text);
});

/** A direct message while the page is hidden is a notification (permission as for mentions). */
function notifyDirect(name, text) {
  if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(`${name} (direct message)`, { body: text.slice(0, 200), tag: `parley-dm-${name}` });
    n.onclick = () => {
      window.focus();
      openConversation(name);
    };
  } catch {
    // some browsers allow notifications only from a service worker
  }
}

/** Puts a message where its seq belongs (a later one may be shown already: then the list is redrawn). */
function placeDirect(p, item) {
  const i = p.items.findIndex((it) => it.kind === 'msg' && it.seq !== null && it.seq > item.seq);
  if (i < 0) {
    appendItem(p, item, item.from === me);
    return;
  }
  p.items.splice(i, 0, item);
  redraw(p);
}

client.on('direct', ({ with: name, from, text, seq, ts }) => {
  const p = dmPanes.get(name);
  if (!p || p.items.some((it) => it.kind === 'msg' && it.seq === seq)) return;
  placeDirect(p, { kind: 'msg', seq, ts: ts ?? Date.now(), from, text, id: null, pending: false, history: false });
  if (activePane === p) readConversation(p);
});

client.on('direct-loaded', ({ with: name, done }) => {
  const p = dmPanes.get(name);
  if (!p) return;
  p.joined = true;
  setOlderState(p, done ? 'done' : 'more');
  if (!done && !p.panel.hidden && p.list.scrollHeight <= p.list.clientHeight) loadOlder(p);
  if (activePane === p) readConversation(p);
});

client.on('direct-older', ({ with: name, messages, done }) => {
  const p = dmPanes.get(name);
  if (!p) return;
  const seen = new Set(p.items.filter((it) => it.seq !== null).map((it) => it.seq));
  const page = messages.filter((m) => !seen.has(m.seq)).map((m) => ({
    kind: 'msg', seq: m.seq, ts: m.ts ?? Date.now(), from: m.from, text: m.text, id: null, pending: false, history: true,
  }));
  p.items.unshift(...page);
  setOlderState(p, done ? 'done' : 'more');
  redraw(p);
  if (!done && p.list.scrollTop < 80) setTimeout(() => loadOlder(p), 50);
});

client.on('sent', ({ with: name, id, seq, ts }) => {
  const p = dmPanes.get(name);
  if (!p) return;
  const item = p.items.find((it) => it.id === id);
  if (!item) return;
  if (p.items.some((it) => it !== item && it.kind === 'msg' && it.seq === seq)) {
    removeItem(p, item); // the same message came in a fetched page already
    return;
  }
  item.pending = false;
  item.seq = seq;
  item.ts = ts;
  refreshItem(p, item);
});

client.on('direct-read', () => drawConversations());

client.on('direct-reset', ({ with: name }) => {
  const p = dmPanes.get(name);
  if (!p) return;
  p.items = p.items.filter((it) => it.pending && it.seq === null);
  p.joined = false;
  setOlderState(p, 'loading');
  redraw(p);
});

client.on('direct-error', ({ with: name, text, id, noAccount }) => {
  const p = dmPanes.get(name);
  if (!p) {
    notice(text, 'error');
    return;
  }
  p.error.textContent = text;
  const item = id && p.items.find((it) => it.id === id);
  if (item) {
    item.pending = false;
    item.failed = true;
    refreshItem(p, item);
  }
  if (noAccount) {
    setOlderState(p, 'done');
    const i = conversationOrder.indexOf(name);
    if (i >= 0) conversationOrder.splice(i, 1); // nobody to talk to: not listed
    drawConversations();
  }
});

client.on('blocked', ({ name, blocked }) => {
  const p = dmPanes.get(name);
  if (p) {
    drawBlock(p);
    appendItem(p, { kind: 'notice', text: blocked ? `You blocked ${name}: their messages no longer reach you.` : `You unblocked ${name}.` });
  } else {
    notice(blocked ? `You blocked ${name}.` : `You unblocked ${name}.`);
  }
});

client.on('refreshed', () => updateTitle());

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
signInWithToken().then((started) => {
  if (!started) configLoaded.then(() => (ui.anonymous.hidden ? ui.accountName : ui.name).focus());
});
