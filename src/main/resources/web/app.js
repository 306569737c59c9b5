// The chat page: renders what ChatClient reports and turns the user's actions into requests.
// Everything the server sends is shown with textContent, never parsed as HTML.

import { ChatClient } from './chat-client.js';

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
window.parley = { client }; // for the end-to-end test, and for the curious

const ui = {
  status: $('status'),
  signout: $('signout'),
  signin: $('signin'),
  signinForm: $('signin-form'),
  name: $('name'),
  token: $('token'),
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

/** group name -> { tab, badge, panel, list, input, send, members, unread, joined } */
const panes = new Map();
let me = null;
let active = null;
let nextId = 0;

// ---------------------------------------------------------------- notices

function notice(text, kind = 'info') {
  const li = el('li', kind === 'error' ? 'error' : '', text);
  ui.notices.append(li);
  while (ui.notices.children.length > 50) ui.notices.firstElementChild.remove();
}

function paneNotice(group, text) {
  const p = panes.get(group);
  if (p) append(p, el('li', 'notice', text));
}

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
  const online = d.state === 'connected';
  for (const p of panes.values()) p.send.disabled = !online;
  ui.directoryRefresh.disabled = !online;
});

ui.signinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = ui.name.value.trim();
  if (!name) return;
  ui.nameError.textContent = '';
  ui.signinForm.querySelector('button').disabled = true;
  client.connect(name, ui.token.value.trim());
});

client.on('welcome', ({ name, reconnected }) => {
  me = name;
  try {
    localStorage.setItem('parley.name', name);
  } catch {
    // private mode: nothing to remember
  }
  if (reconnected) {
    notice('Reconnected; catching up on each group.');
    return;
  }
  ui.signinForm.querySelector('button').disabled = false;
  ui.signin.hidden = true;
  ui.chat.hidden = false;
  ui.signout.hidden = false;
  client.listGroups();
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

// ---------------------------------------------------------------- groups

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
    client.join(group); // asks for the members too
    createPane(group);
  }
  selectTab(group, !fresh);
  panes.get(group).input.focus();
}

ui.directoryRefresh.addEventListener('click', () => client.listGroups());

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
  input.placeholder = `Message ${group} (Enter sends)`;
  const list = panel.querySelector('.messages');
  list.setAttribute('aria-label', `Messages in ${group}`);
  const send = panel.querySelector('button[type="submit"]');
  send.disabled = !client.connected;
  const members = panel.querySelector('.members');
  members.setAttribute('aria-label', `Members of ${group}`);
  panel.querySelector('.members-title').textContent = `Members of ${group}`;

  panel.querySelector('.post-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    if (client.post(group, text)) {
      input.value = '';
    } else {
      notice(`Not sent to ${group}: not connected. Your text is still in the box.`, 'error');
    }
    input.focus();
  });
  panel.querySelector('.members-refresh').addEventListener('click', () => client.members(group));
  panel.querySelector('.leave').addEventListener('click', () => {
    client.leave(group);
    removePane(group);
    client.listGroups();
  });

  ui.panels.append(panel);
  panes.set(group, { tab, badge, panel, list, input, send, members, unread: 0, joined: false });
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
  if (active === group) {
    active = null;
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
  p.unread = 0;
  p.badge.hidden = true;
  p.list.scrollTop = p.list.scrollHeight;
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

// ---------------------------------------------------------------- messages

function append(p, li) {
  const atBottom = p.list.scrollHeight - p.list.scrollTop - p.list.clientHeight < 40;
  p.list.append(li);
  if (atBottom) p.list.scrollTop = p.list.scrollHeight;
}

client.on('message', ({ group, text, from, seq, catchUp }) => {
  const p = panes.get(group);
  if (!p) return;
  const li = el('li');
  li.dataset.seq = String(seq);
  if (from === me) li.classList.add('mine');
  if (catchUp && !p.joined) li.classList.add('history');
  li.append(el('span', from ? 'from' : 'from anonymous', from ?? 'someone'), el('span', 'text', text));
  append(p, li);
  if (group !== active) {
    p.unread++;
    p.badge.textContent = String(p.unread);
    p.badge.hidden = false;
  }
});

client.on('members', ({ group, names, append: nextPage }) => {
  const p = panes.get(group);
  if (!p) return;
  if (!p.joined) {
    p.joined = true;
    if (p.list.children.length > 0) append(p, el('li', 'divider', 'earlier messages above'));
  }
  const items = names.map((n) => el('li', '', n === me ? `${n} (you)` : n));
  if (nextPage) p.members.append(...items);
  else p.members.replaceChildren(...items);
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

// Keep the member list of the group in view fresh: the protocol does not announce arrivals.
setInterval(() => {
  if (active && client.connected) client.members(active);
}, 15000);

// ---------------------------------------------------------------- start

try {
  ui.name.value = localStorage.getItem('parley.name') ?? '';
} catch {
  // no storage
}
ui.name.focus();
