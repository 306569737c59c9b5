// Parley's browser client without the page: one WebSocket to /ws speaking the chat protocol (one
// JSON packet per text message), with reconnection and catch-up. No DOM here, so Node's test
// runner can drive it with a fake WebSocket (src/test/e2e/chat-client.test.mjs).
//
// Catch-up without a gap: for each group the client remembers the seq of the last message it
// showed. After a reconnection it says Hello again, then for each group sends
//   Join (live messages from now on), Fetch after the last seq (what it missed), Members.
// The server answers a connection's requests in order, after the group messages that came before
// them, so the Members answer marks the point by which both the fetched and the first live
// messages have arrived: until then the group's messages are held, then sorted by seq, stripped of
// duplicates (a message can come both live and fetched) and shown. The first Join of a group does
// the same with Join's history instead of Fetch.
//
// Posts carry an id; each stays pending until its Posted arrives, and after a reconnection every
// pending post is sent again (the server delivers an id once, so each lands once). Scroll-back
// pages with Fetch before, until Fetched says the oldest retained message has been reached.
// Also here, because they are easy to test without a page: unread counting and time formatting.
//
// Accounts (docs/web.md, "Accounts and direct messages"): instead of Hello the client may sign in
// with Login or Register (name and password), or with Auth carrying a JWT from a function the page
// gives it (asked again on every connection and shortly before the token expires). The password
// is kept only in this object, in memory, to sign in again after a reconnection: never in storage.
// Direct messages follow the same rules as posts: each Direct carries an id and is sent again
// after a reconnection until its Sent arrives; each conversation is paged with FetchDirect, and
// after a reconnection the open ones are fetched after the last seq shown.
//
// Moderation (issue 22): a GroupEvent has a seq in its group's order, like a message, so it goes
// through the same holding, sorting and scroll-back as messages do (reported as 'group-event'
// instead of 'message'); GroupInfo answers, Topic packets and the events keep each group's owner,
// operators, topic, modes, and the bans and mutes seen. A server without moderation answers
// GroupInfo with an Error: the client then stops asking.

export const HISTORY = 50;
export const FETCH_LIMIT = 1000;
/** Messages asked for per page of scroll-back. */
export const PAGE = 50;
/** Pages of a group's member list fetched at most (100 names each). */
export const MEMBER_PAGES = 10;
const LAG = /^Dropped (\d+) messages? from (.*)\.$/s;
const MISSING = /^Group '(.*)' does not exist$/s;
const NO_ACCOUNT = /^no account named '(.*)'$/s;
const NO_MODERATION = /^unknown request 'GroupInfo'/;
/** The events that change who holds a role: the group's GroupInfo is asked again after one. */
export const ROLE_EVENTS = new Set(['op', 'deop', 'owner']);
const NOT_DELIVERED = /it was not delivered to '(.*)'$/s;
/** Sign-in answers worth trying again after a reconnection; any other refusal ends the attempts. */
const TRANSIENT = /^(server busy|too many failed sign-ins|direct messages are unavailable)/;
/** A JWT is asked for again this long before it expires (or at half its remaining life, if sooner). */
export const TOKEN_LEAD_MS = 60_000;

export class ChatClient {
  /**
   * @param {string} url      ws:// or wss:// address of the gateway
   * @param {object} options  WebSocket: the constructor (a fake in tests); backoff: [first, max] ms
   */
  constructor(url, {
    WebSocket = globalThis.WebSocket,
    backoff = [500, 10000],
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (id) => clearTimeout(id),
  } = {}) {
    this.url = url;
    this.WebSocket = WebSocket;
    this.backoff = backoff;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.handlers = new Map();
    /** group name -> { lastSeq, held: null | message[] } */
    this.groups = new Map();
    // Paging of List and Members: the last name of the latest page, and which member pages are coming.
    this.listingMore = false;
    this.lastListed = null;
    this.lastMember = new Map();
    /** group name -> pages of its member list asked after the first */
    this.memberPages = new Map();
    this.name = null;
    this.welcomed = false;
    this.ws = null;
    this.state = 'idle';
    this.attempt = 0;
    this.timer = null;
    this.everWelcomed = false;
    this.pauseUntil = 0;
    this.epoch = null;
    /** post id -> { id, group, text, seq: null | number (seen as a Message, no Posted yet) } */
    this.pending = new Map();
    this.idPrefix = newIdPrefix();
    this.idCount = 0;
    /** How this client signs in: hello (anonymous), login, register or jwt. */
    this.mode = 'hello';
    this.password = null;
    this.getToken = null;
    this.currentToken = null;
    this.refreshTimer = null;
    /** Signed in to an account (Welcome said "account":true). */
    this.account = false;
    /** conversation partner -> conversation state (see newConversation) */
    this.dms = new Map();
    /** Direct id -> { id, to, text }: sent (or waiting to be) without a Sent yet. */
    this.pendingDirects = new Map();
    /** The accounts blocked from this page (the server lists none; its echoes are noted here). */
    this.blocked = new Set();
    /** Welcome's "unread", until Conversations has told the counts per conversation. */
    this.unreadHint = 0;
    this.conversationsKnown = false;
    /** False once the server said it knows no GroupInfo (no moderation there). */
    this.moderation = true;
  }

  // ---------------------------------------------------------------- events

  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(fn);
    return this;
  }

  emit(type, detail) {
    for (const fn of this.handlers.get(type) ?? []) fn(detail);
  }

  setState(state, detail = {}) {
    this.state = state;
    this.emit('status', { state, ...detail });
  }

  // ---------------------------------------------------------------- requests

  /**
   * Opens the connection and says Hello under `name`; with a `token` (a server with
   * authentication on), sends Auth with it first, on this and every later connection.
   */
  connect(name, token = '') {
    this.name = name;
    this.token = token || '';
    this.mode = 'hello';
    this.start();
  }

  /**
   * Opens the connection and signs in to an account with Login (or Register, which creates it);
   * on later connections it signs in again with Login. With a `token` (a server with static
   * tokens), nothing else: Login passes that gate by itself.
   */
  signIn(name, password, { register = false } = {}) {
    this.name = name;
    this.token = '';
    this.password = password;
    this.mode = register ? 'register' : 'login';
    this.start();
  }

  /**
   * Opens the connection and signs in with a JWT in Auth. `getToken` (async, returns the token)
   * is asked on every connection, and again shortly before the token's `exp`, when the fresh token
   * is sent on the open connection (the server then moves the expiry).
   */
  signInWithToken(getToken) {
    this.name = null;
    this.token = '';
    this.getToken = getToken;
    this.mode = 'jwt';
    this.start();
  }

  start() {
    this.stopped = false;
    this.nameRejected = false;
    this.open();
  }

  /** Leaves for good: no reconnection. */
  disconnect() {
    this.stopped = true;
    if (this.timer) this.clearTimer(this.timer);
    this.timer = null;
    if (this.ws) this.ws.close(1000, 'bye');
    this.ws = null;
    this.groups.clear();
    this.pending.clear();
    this.stopRefresh();
    this.password = null;
    this.getToken = null;
    this.currentToken = null;
    this.account = false;
    this.dms.clear();
    this.pendingDirects.clear();
    this.blocked.clear();
    this.unreadHint = 0;
    this.conversationsKnown = false;
    this.everWelcomed = false;
    this.epoch = null;
    this.setState('idle');
  }

  join(group) {
    if (this.groups.has(group)) return false;
    this.groups.set(group, newGroup());
    if (this.welcomed) this.sendJoin(group, this.groups.get(group));
    return true;
  }

  /** Join (with history the first time, else Fetch after the last seq shown), then Members. */
  sendJoin(group, g) {
    g.held = [];
    g.older = null;
    g.fetched = [];
    if (g.lastSeq > 0) {
      this.send({ Join: { group_name: group } });
      this.send({ Fetch: { group_name: group, after: g.lastSeq, limit: FETCH_LIMIT } });
      g.fetched.push('after');
    } else {
      this.send({ Join: { group_name: group, history: HISTORY } });
      g.fetched.push('join');
    }
    this.send({ Members: { group_name: group } });
  }

  /**
   * Scroll-back: asks for the page before the oldest message shown. False when there is nothing
   * older, or a page is already on its way.
   */
  loadOlder(group) {
    const g = this.groups.get(group);
    if (!g || !this.welcomed || g.held || g.older || g.noOlder || g.firstSeq <= 1) {
      if (g && g.firstSeq <= 1 && !g.noOlder && !g.held) {
        g.noOlder = true;
        this.emit('older', { group, messages: [], done: true });
      }
      return false;
    }
    g.older = [];
    g.fetched.push('before');
    this.send({ Fetch: { group_name: group, before: g.firstSeq, limit: PAGE } });
    return true;
  }

  leave(group) {
    if (!this.groups.delete(group)) return;
    for (const [id, p] of this.pending) if (p.group === group) this.pending.delete(id);
    if (this.welcomed) this.send({ Leave: { group_name: group } });
  }

  /** A new post id: unique to this page (a random prefix) and increasing. */
  nextId() {
    this.idCount++;
    return `${this.idPrefix}-${this.idCount}`;
  }

  /**
   * Posts `message` with a fresh id, now if connected, else on the next connection. Returns the
   * id; the post stays in `pending` until its Posted arrives (event 'posted').
   */
  post(group, message) {
    const id = this.nextId();
    this.pending.set(id, { id, group, text: message, seq: null });
    if (this.welcomed) this.send({ Post: { group_name: group, message, id } });
    return id;
  }

  /** The posts sent (or waiting to be) without a Posted yet, oldest first. */
  pendingPosts(group = null) {
    return [...this.pending.values()].filter((p) => group === null || p.group === group);
  }

  members(group) {
    this.memberPages.delete(group);
    return this.send({ Members: { group_name: group } });
  }

  /**
   * Asks for the first page of groups, or with `after` (the last name shown) the next one. The
   * server answers a page (at most 100 groups) and, when there are more, a Listed summary.
   */
  listGroups(after = null) {
    this.listingMore = after !== null;
    return this.send({ List: after === null ? {} : { after } });
  }

  get connected() {
    return this.welcomed && this.ws !== null;
  }

  send(packet) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify(packet));
    return true;
  }

  /** For tests and the curious: drop the connection as a network failure would, and stay away `pauseMs`. */
  dropConnection(pauseMs = 0) {
    this.pauseUntil = Date.now() + pauseMs;
    if (this.ws) this.ws.close(4000, 'dropped on purpose');
  }

  // ---------------------------------------------------------------- moderation

  /** Asks for a group's owner, operators, topic and modes (answered by a 'group-info' event). */
  groupInfo(group) {
    if (!this.moderation || !this.groups.has(group)) return false;
    return this.send({ GroupInfo: { group_name: group } });
  }

  /**
   * Sends a moderation request: `kind` one of Op, Deop, Owner, Drop, Topic, Kick, Ban, Unban,
   * Mute, Unmute, Mode, Invite; `fields` its fields besides group_name (name, reason, for, topic,
   * invite_only, moderated, private). Empty optional fields (reason, for) are left out.
   */
  moderate(kind, group, fields = {}) {
    const body = { group_name: group };
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined && v !== null && (v !== '' || k === 'topic')) body[k] = v; // an empty topic clears it
    }
    return this.send({ [kind]: body });
  }

  /** What the page knows of a group's roles and settings: { owner, operators, topic, modes, banned, muted }. */
  groupState(group) {
    const g = this.groups.get(group);
    if (!g) return null;
    return { owner: g.owner, operators: g.operators, topic: g.topic, modes: g.modes, banned: g.banned, muted: g.muted, members: g.memberCount };
  }

  /** Whether `name` may moderate `group`: 'owner', 'operator' or null (as GroupInfo last said). */
  roleOf(group, name = this.name) {
    const g = this.groups.get(group);
    if (!g || !name) return null;
    if (g.owner === name) return 'owner';
    return g.operators.includes(name) ? 'operator' : null;
  }

  groupInfoAnswer(info) {
    const g = this.groups.get(info.group_name);
    if (!g) return;
    g.owner = info.owner ?? null;
    g.operators = Array.isArray(info.operators) ? info.operators : [];
    g.topic = info.topic ? { topic: info.topic, by: g.topic?.by ?? null, ts: g.topic?.ts ?? null } : null;
    g.modes = { invite_only: info.invite_only === true, moderated: info.moderated === true, private: info.private === true };
    g.memberCount = info.members ?? null;
    this.emit('group-info', { group: info.group_name, ...this.groupState(info.group_name) });
  }

  topicAnswer({ group_name: group, topic, by = null, ts = null }) {
    const g = this.groups.get(group);
    if (!g) return;
    g.topic = topic ? { topic, by, ts } : null;
    this.emit('topic', { group, topic: g.topic });
  }

  /**
   * A GroupEvent. One with a seq is in the group's order and goes where a message would; one
   * without (a dropped group, an invitation to a group this page is not in) is told at once.
   */
  groupEvent(e) {
    const group = e.group_name;
    const m = { group, text: describeGroupEvent(e), from: e.by ?? null, seq: e.seq ?? 0, ts: e.ts ?? null, event: e };
    if (!this.groups.has(group) || !(m.seq > 0)) {
      this.applyEvent(m, true);
      this.emit('group-event', { ...m, catchUp: false });
      return;
    }
    this.message(m);
  }

  /**
   * What an event changes: the topic, the modes, bans and mutes (history and catch-up included,
   * in order); and, only when it comes live, this page's own membership (kicked or banned: the
   * group is left and not re-joined; dropped: gone) and the roles (GroupInfo asked again). An
   * event in history or catch-up came before this connection's Join, which stands.
   */
  applyEvent({ group, event: e }, live) {
    const g = this.groups.get(group);
    if (g) {
      if (e.kind === 'topic') g.topic = e.topic ? { topic: e.topic, by: e.by, ts: e.ts } : null;
      if (e.kind === 'mode') {
        g.modes = { invite_only: e.invite_only === true, moderated: e.moderated === true, private: e.private === true };
      }
      if (e.kind === 'ban') g.banned.add(e.name);
      if (e.kind === 'unban') g.banned.delete(e.name);
      if (e.kind === 'mute') g.muted.add(e.name);
      if (e.kind === 'unmute') g.muted.delete(e.name);
      if (e.kind === 'owner') g.owner = e.name;
    }
    const me = e.name === this.name && this.name !== null;
    if (g && live && ((me && (e.kind === 'kick' || e.kind === 'ban')) || e.kind === 'drop')) {
      this.groups.delete(group);
      for (const [id, p] of this.pending) if (p.group === group) this.pending.delete(id);
      this.emit('removed', { group, kind: e.kind, by: e.by, reason: e.reason ?? null, text: describeGroupEvent(e) });
    } else if (!g && me && e.kind === 'invite') {
      this.emit('invited', { group, by: e.by, text: describeGroupEvent(e) });
    }
    if (g && live && ROLE_EVENTS.has(e.kind)) this.groupInfo(group);
  }

  // ---------------------------------------------------------------- direct messages

  /** A conversation's state, made on first mention. */
  conversation(name) {
    if (!this.dms.has(name)) this.dms.set(name, newConversation());
    return this.dms.get(name);
  }

  /** Asks for the account's conversations (answered by a 'conversations' event). */
  listConversations() {
    return this.send({ Conversations: {} });
  }

  /**
   * Starts showing the conversation with `name`: its messages from now on are reported
   * ('direct'), beginning with the newest page. False when it was open already.
   */
  openConversation(name) {
    const c = this.conversation(name);
    if (c.open) return false;
    c.open = true;
    if (this.welcomed && this.account) this.fetchDirect(name, c, 'newest');
    return true;
  }

  /** Stops reporting the conversation's messages (its counts are still kept). */
  closeConversation(name) {
    const c = this.dms.get(name);
    if (!c) return;
    Object.assign(c, newConversation(), { newest: c.newest, read: c.read });
    for (const [id, d] of this.pendingDirects) if (d.to === name) this.pendingDirects.delete(id);
  }

  fetchDirect(name, c, kind) {
    c.fetches.push(kind);
    const request = { with: name, limit: kind === 'after' ? FETCH_LIMIT : PAGE };
    if (kind === 'after') request.after = c.lastSeq;
    if (kind === 'before') request.before = c.firstSeq;
    this.send({ FetchDirect: request });
  }

  /** Scroll-back in a conversation; false when there is nothing older or a page is on its way. */
  loadOlderDirect(name) {
    const c = this.dms.get(name);
    if (!c || !c.open || !this.welcomed || c.fetches.length > 0) return false;
    if (c.noOlder || c.firstSeq <= 1) {
      if (!c.noOlder) {
        c.noOlder = true;
        this.emit('direct-older', { with: name, messages: [], done: true });
      }
      return false;
    }
    this.fetchDirect(name, c, 'before');
    return true;
  }

  /** Sends a direct message with a fresh id, now or on the next connection; returns the id. */
  direct(to, message) {
    const id = this.nextId();
    this.pendingDirects.set(id, { id, to, text: message });
    if (this.welcomed && this.account) this.send({ Direct: { to, message, id } });
    return id;
  }

  /** Moves the read marker to the conversation's newest message, if it is not there yet. */
  markRead(name) {
    const c = this.dms.get(name);
    if (!c || c.newest <= c.read || !this.welcomed) return false;
    c.read = c.newest;
    this.send({ Read: { with: name, seq: c.newest } });
    this.emit('direct-read', { with: name, read: c.read, unread: 0 });
    return true;
  }

  block(name) {
    return this.send({ Block: { name } });
  }

  unblock(name) {
    return this.send({ Unblock: { name } });
  }

  /** Unread direct messages with `name` (its newest seq past the account's read marker). */
  directUnread(name) {
    const c = this.dms.get(name);
    return c ? Math.max(0, c.newest - c.read) : 0;
  }

  /** Unread direct messages in all: Welcome's count until the conversations are known. */
  get directUnreadTotal() {
    if (!this.conversationsKnown) return this.unreadHint;
    let n = 0;
    for (const name of this.dms.keys()) n += this.directUnread(name);
    return n;
  }

  /** After each Welcome: the conversations, what the open ones missed, then the unsent messages. */
  catchUpDirects(restarted) {
    this.listConversations();
    for (const [name, c] of this.dms) {
      if (restarted) {
        Object.assign(c, newConversation(), { open: c.open });
        if (c.open) this.emit('direct-reset', { with: name });
      }
      c.fetches = [];
      c.buffer = [];
      if (c.open) this.fetchDirect(name, c, c.lastSeq > 0 ? 'after' : 'newest');
    }
    for (const d of this.pendingDirects.values()) this.send({ Direct: { to: d.to, message: d.text, id: d.id } });
  }

  // ---------------------------------------------------------------- the connection

  open() {
    if (this.timer) this.clearTimer(this.timer);
    this.timer = null;
    this.welcomed = false;
    this.setState('connecting');
    let ws;
    try {
      ws = new this.WebSocket(this.url);
    } catch (e) {
      this.closed(ws, 1006, String(e));
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.helloPending = true;
      this.sayWhoWeAre(ws);
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      this.receive(event.data);
    };
    ws.onclose = (event) => this.closed(ws, event.code, event.reason);
  }

  /** The first request on a connection: Hello (after a static token's Auth), Login, Register, or a JWT's Auth. */
  sayWhoWeAre(ws) {
    if (this.mode === 'login' || this.mode === 'register') {
      const request = this.mode === 'login' ? 'Login' : 'Register';
      this.send({ [request]: { name: this.name, password: this.password } });
      return;
    }
    if (this.mode === 'jwt') {
      this.fetchToken().then((token) => {
        if (this.ws !== ws || this.stopped) return;
        if (!token) {
          this.error('no sign-in token: the application gave none');
          return;
        }
        this.currentToken = token;
        this.send({ Auth: { token } });
      });
      return;
    }
    if (this.token) this.send({ Auth: { token: this.token } });
    this.send({ Hello: { name: this.name } });
  }

  /** The token from the page's function, or '' when it fails (the page is told why). */
  async fetchToken() {
    try {
      return String((await this.getToken()) ?? '');
    } catch (e) {
      this.emit('error', { text: `could not get a sign-in token: ${e?.message ?? e}` });
      return '';
    }
  }

  /** Asks for a fresh token a little before the current one expires (its `exp`, read here, not checked). */
  scheduleRefresh() {
    this.stopRefresh();
    if (this.mode !== 'jwt' || !this.currentToken) return;
    const exp = tokenExpiry(this.currentToken);
    if (exp === null) return;
    const left = exp - Date.now();
    const delay = Math.max(1000, left - Math.min(TOKEN_LEAD_MS, left / 2));
    this.refreshTimer = this.setTimer(() => this.refreshToken(), delay);
  }

  stopRefresh() {
    if (this.refreshTimer) this.clearTimer(this.refreshTimer);
    this.refreshTimer = null;
  }

  /** Sends a fresh token on the open connection; the same token again is not worth sending. */
  async refreshToken() {
    this.refreshTimer = null;
    const ws = this.ws;
    const token = await this.fetchToken();
    if (this.ws !== ws || !this.welcomed || !token || token === this.currentToken) return;
    this.currentToken = token;
    this.send({ Auth: { token } });
  }

  closed(ws, code, reason) {
    if (ws && this.ws !== ws) return; // an old socket
    this.ws = null;
    this.welcomed = false;
    this.stopRefresh();
    if (this.stopped) return;
    if (!this.everWelcomed && this.nameRejected) {
      this.setState('idle');
      return;
    }
    const [first, max] = this.backoff;
    const delay = Math.max(Math.min(max, first * 2 ** this.attempt), this.pauseUntil - Date.now());
    this.attempt++;
    this.setState('reconnecting', { code, reason, retryInMs: delay });
    this.timer = this.setTimer(() => this.open(), delay);
  }

  // ---------------------------------------------------------------- packets from the server

  receive(text) {
    let packet;
    try {
      packet = JSON.parse(text);
    } catch {
      this.emit('error', { text: `unreadable packet from the server: ${text.slice(0, 80)}` });
      return;
    }
    const [kind] = Object.keys(packet);
    const body = packet[kind];
    switch (kind) {
      case 'Welcome':
        return this.welcome(body);
      case 'Message':
        return this.message(body);
      case 'Members':
        return this.membersAnswer(body);
      case 'Groups':
        if (body.length > 0) this.lastListed = body[body.length - 1].name;
        return this.emit('groups', { groups: body, append: this.listingMore });
      case 'Listed':
        return this.listed(body);
      case 'Posted':
        return this.posted(body);
      case 'Fetched':
        return this.fetchedAnswer(body);
      case 'Joined':
        return this.emit('presence', { group: body.group_name, name: body.name, joined: true });
      case 'Left':
        return this.emit('presence', { group: body.group_name, name: body.name, joined: false });
      case 'Error':
        return this.error(body);
      case 'Direct':
        return this.directPacket(body);
      case 'Sent':
        return this.sent(body);
      case 'Conversations':
        return this.conversationsAnswer(body);
      case 'FetchedDirect':
        return this.fetchedDirect(body);
      case 'Read':
        return this.readAnswer(body);
      case 'GroupEvent':
        return this.groupEvent(body);
      case 'GroupInfo':
        return this.groupInfoAnswer(body);
      case 'Topic':
        return this.topicAnswer(body);
      case 'Block':
      case 'Unblock':
        if (kind === 'Block') this.blocked.add(body.name);
        else this.blocked.delete(body.name);
        return this.emit('blocked', { name: body.name, blocked: kind === 'Block' });
      default:
        return this.emit('error', { text: `unknown packet '${kind}' from the server` });
    }
  }

  welcome({ name, server, epoch = null, auth = false, account = false, unread = 0 }) {
    if (this.welcomed) {
      // The same connection welcomed again: a fresh JWT taken, a changed password, a second Hello.
      this.name = name;
      if (epoch !== null) this.epoch = epoch;
      this.unreadHint = unread;
      this.scheduleRefresh();
      this.emit('refreshed', { name, unread });
      return;
    }
    this.helloPending = false;
    this.account = account === true;
    this.unreadHint = unread;
    if (this.mode === 'register') this.mode = 'login'; // the account exists now
    this.nameRejected = false;
    this.welcomed = true;
    const again = this.everWelcomed;
    this.everWelcomed = true;
    this.attempt = 0;
    this.name = name;
    const restarted = again && epoch !== null && this.epoch !== null && epoch !== this.epoch;
    this.epoch = epoch;
    if (restarted) {
      // A new store: its seqs do not compare with ours. Start each group afresh.
      for (const [group, g] of this.groups) {
        Object.assign(g, newGroup());
        this.emit('reset', { group });
      }
      for (const p of this.pending.values()) p.seq = null;
    }
    // Requests first, then the events: a page that asks for the group list on 'welcome' asks
    // after the Joins, so the answer counts this connection in its groups.
    for (const [group, g] of this.groups) this.sendJoin(group, g);
    for (const p of this.pending.values()) {
      if (this.groups.has(p.group)) this.send({ Post: { group_name: p.group, message: p.text, id: p.id } });
    }
    if (this.account) this.catchUpDirects(restarted);
    this.scheduleRefresh();
    this.setState('connected', { name, server, reconnected: again });
    this.emit('welcome', { name, server, reconnected: again, restarted, auth, account: this.account, unread });
  }

  /** A Message packet, or a GroupEvent made into one (with `event`): it takes its place in the group's order. */
  message(packet) {
    const m = packet.event ? packet : {
      group: packet.group_name, text: packet.message, from: packet.from ?? null, seq: packet.seq ?? 0, ts: packet.ts ?? null,
    };
    const g = this.groups.get(m.group);
    if (!g) return; // a group just left
    const seq = m.seq;
    if (g.older && seq < g.firstSeq && !g.held) {
      g.older.push(m);
      return;
    }
    if (g.held) {
      g.held.push(m);
      return;
    }
    g.lastSeq = seq;
    if (g.firstSeq === 0 || seq < g.firstSeq) g.firstSeq = seq;
    this.show(m, false);
  }

  /** Emits a message, with the id of the pending post it is (the poster's own text, oldest first). */
  show(m, catchUp) {
    if (m.event) {
      this.applyEvent(m, !catchUp);
      this.emit('group-event', { ...m, catchUp });
      return;
    }
    let id = null;
    if (m.from !== null && m.from === this.name) {
      for (const p of this.pending.values()) {
        if (p.group === m.group && p.seq === null && p.text === m.text) {
          p.seq = m.seq;
          id = p.id;
          break;
        }
        if (p.group === m.group && p.seq === m.seq) {
          id = p.id;
          break;
        }
      }
    }
    this.emit('message', { ...m, catchUp, id, pending: id !== null });
  }

  posted({ group_name: group, id, seq, ts }) {
    const p = this.pending.get(id);
    if (!p) return; // an answer to a resend already answered
    this.pending.delete(id);
    this.emit('posted', { group, id, seq, ts, text: p.text });
  }

  /** The summary after a Join with history or a Fetch: ends a page of scroll-back. */
  fetchedAnswer({ group_name: group, count, oldest, newest }) {
    const g = this.groups.get(group);
    if (!g) return;
    const kind = g.fetched.shift();
    if (kind === 'join') {
      // The history just shown starts at firstSeq (held until Members; counted here).
      const first = g.held && g.held.length > 0 ? Math.min(...g.held.map((m) => m.seq)) : g.firstSeq;
      g.noOlder = count === 0 || first <= oldest || first <= 1;
      return;
    }
    if (kind === 'after') {
      // The group's newest retained message is older than one we showed: the group began anew
      // (a server without a store restarted, or the group was removed while empty).
      if (newest < g.lastSeq) g.restarted = true;
      return;
    }
    if (kind !== 'before' || !g.older) return;
    const older = g.older.sort((a, b) => a.seq - b.seq);
    g.older = null;
    const page = [];
    let last = -1;
    for (const m of older) {
      if (m.seq === last || m.seq >= g.firstSeq) continue;
      last = m.seq;
      page.push({ ...m, catchUp: true, id: null, pending: false });
    }
    if (page.length > 0) g.firstSeq = page[0].seq;
    g.noOlder = count === 0 || page.length === 0 || g.firstSeq <= oldest || g.firstSeq <= 1;
    this.emit('older', { group, messages: page, done: g.noOlder });
  }

  membersAnswer({ group_name: group, names }) {
    const g = this.groups.get(group);
    if (g && g.held) this.release(group, g);
    const page = this.memberPages.get(group);
    if (names.length > 0) this.lastMember.set(group, names[names.length - 1]);
    this.emit('members', { group, names, append: page !== undefined && page > 0 });
  }

  /**
   * The summary after a page. More groups: the page offers a button for the next page. More
   * members: the next pages are fetched at once, up to MEMBER_PAGES of them (a member list longer
   * than that ends with a note rather than growing without bound).
   */
  listed({ group_name: group, more }) {
    if (group === undefined) {
      this.emit('groups-more', { more, after: this.lastListed });
      return;
    }
    const page = this.memberPages.get(group) ?? 0;
    const after = this.lastMember.get(group);
    if (more && after !== undefined && page + 1 < MEMBER_PAGES && this.groups.has(group)) {
      this.memberPages.set(group, page + 1);
      this.send({ Members: { group_name: group, after } });
    } else {
      this.memberPages.delete(group);
      if (more) this.emit('members-more', { group });
    }
  }

  /** The catch-up point: shows the held messages in order, once each, and says if some are missing. */
  release(group, g) {
    const held = g.held;
    g.held = null;
    held.sort((a, b) => a.seq - b.seq);
    let expected = g.lastSeq + 1;
    if (g.lastSeq > 0 && (g.restarted || (held.length > 0 && held[0].seq < expected))) {
      // Lower numbers than already seen: the group ended while we were away and began anew.
      g.restarted = false;
      g.lastSeq = 0;
      g.firstSeq = 0;
      g.noOlder = false;
      for (const p of this.pending.values()) if (p.group === group) p.seq = null;
      this.emit('reset', { group });
      this.emit('notice', { group, text: `${group} was empty for a while and started again.` });
      expected = held.length > 0 ? held[0].seq : 1;
    }
    let last = -1;
    let roles = false;
    for (const m of held) {
      if (m.seq === last || (g.lastSeq > 0 && m.seq <= g.lastSeq)) continue;
      if (g.lastSeq > 0 && m.seq > expected) {
        this.emit('gap', { group, missing: m.seq - expected });
      }
      last = m.seq;
      expected = m.seq + 1;
      g.lastSeq = m.seq;
      if (g.firstSeq === 0 || m.seq < g.firstSeq) g.firstSeq = m.seq;
      this.show(m, true);
      if (m.event && ROLE_EVENTS.has(m.event.kind)) roles = true;
    }
    if (roles) this.groupInfo(group);
  }

  directPacket({ from, to, message, seq, ts = null }) {
    const name = from === this.name ? to : from;
    const c = this.conversation(name);
    const fresh = seq > c.newest;
    if (fresh) c.newest = seq;
    if (from === this.name && seq > c.read) c.read = seq; // the server moved the sender's marker
    const m = { with: name, from, to, text: message, seq, ts, mine: from === this.name };
    if (fresh) this.emit('direct-new', { ...m, unread: this.directUnread(name) });
    if (!c.open || c.seen.has(seq)) return;
    if (c.fetches.length > 0) {
      c.buffer.push(m); // until the FetchedDirect: the page then shows them in order, once each
      return;
    }
    this.showDirect(c, m);
  }

  showDirect(c, m) {
    c.seen.add(m.seq);
    if (m.seq > c.lastSeq) c.lastSeq = m.seq;
    if (c.firstSeq === 0 || m.seq < c.firstSeq) c.firstSeq = m.seq;
    this.emit('direct', m);
  }

  /** The end of a FetchDirect's answer: the buffered messages, in order, once each. */
  fetchedDirect({ with: name, count, oldest }) {
    const c = this.dms.get(name);
    if (!c || !c.open) return;
    const kind = c.fetches.shift();
    const messages = c.buffer.sort((a, b) => a.seq - b.seq).filter((m, i, all) => !c.seen.has(m.seq) && (i === 0 || all[i - 1].seq !== m.seq));
    c.buffer = [];
    if (kind === 'before') {
      const page = messages.filter((m) => m.seq < c.firstSeq);
      for (const m of page) c.seen.add(m.seq);
      if (page.length > 0) c.firstSeq = page[0].seq;
      c.noOlder = count === 0 || page.length === 0 || c.firstSeq <= oldest || c.firstSeq <= 1;
      this.emit('direct-older', { with: name, messages: page, done: c.noOlder });
      for (const m of messages) if (m.seq > c.lastSeq) this.showDirect(c, m);
      return;
    }
    for (const m of messages) this.showDirect(c, m);
    if (kind === 'newest') {
      c.noOlder = count === 0 || c.firstSeq <= oldest || c.firstSeq <= 1;
      this.emit('direct-loaded', { with: name, done: c.noOlder });
    }
  }

  sent({ to, id, seq, ts }) {
    const d = this.pendingDirects.get(id);
    if (!d) return; // an answer to a resend already answered
    this.pendingDirects.delete(id);
    const c = this.conversation(to);
    if (seq > c.newest) c.newest = seq;
    if (seq > c.read) c.read = seq;
    if (c.open && c.fetches.length === 0) {
      c.seen.add(seq);
      if (seq > c.lastSeq) c.lastSeq = seq;
      if (c.firstSeq === 0) c.firstSeq = seq;
    }
    this.emit('sent', { with: to, id, seq, ts, text: d.text });
  }

  conversationsAnswer(list) {
    this.conversationsKnown = true;
    for (const { with: name, newest, read } of list) {
      const c = this.conversation(name);
      c.newest = Math.max(c.newest, newest);
      c.read = Math.max(c.read, read);
    }
    this.emit('conversations', { list: list.map((x) => ({ ...x, unread: this.directUnread(x.with) })) });
  }

  readAnswer({ with: name, seq }) {
    const c = this.conversation(name);
    if (seq > c.read) c.read = seq;
    this.emit('direct-read', { with: name, read: c.read, unread: this.directUnread(name) });
  }

  /**
   * An Error that answers a direct-message request: a name without an account (its conversation
   * cannot be fetched, its messages cannot be sent), or a message not delivered (too long, too fast).
   */
  directError(text) {
    const none = NO_ACCOUNT.exec(text);
    const lost = none ? null : NOT_DELIVERED.exec(text);
    const name = none?.[1] ?? lost?.[1];
    if (name === undefined) return false;
    let id = null;
    for (const [key, d] of this.pendingDirects) {
      if (d.to !== name) continue;
      this.pendingDirects.delete(key);
      id ??= key;
      if (lost) break; // one message was refused: the oldest unanswered one
    }
    const c = this.dms.get(name);
    if (none && c) {
      c.fetches = [];
      c.buffer = [];
    }
    this.emit('direct-error', { with: name, text, id, noAccount: none !== null });
    return true;
  }

  error(text) {
    if (this.helloPending) {
      // The first answer on a connection is Hello's (or the sign-in's). A refused password or
      // token is not tried again and again: only a busy server is.
      this.helloPending = false;
      this.nameRejected = true;
      const final = this.mode !== 'hello' && !TRANSIENT.test(text);
      if (final) this.stopped = true;
      this.emit('name-rejected', { text, reconnecting: this.everWelcomed, mode: this.mode, final });
      if (this.ws) this.ws.close(1000, 'name rejected');
      if (final) this.setState('idle');
      return;
    }
    if (this.directError(text)) return;
    if (NO_MODERATION.test(text)) {
      this.moderation = false; // an older server: no roles, topics or events to show
      return;
    }
    const missing = MISSING.exec(text);
    if (missing && this.groups.get(missing[1])?.held) {
      // The Members after a Join that failed (the Join's own Error came just before).
      this.groups.delete(missing[1]);
      this.emit('left', { group: missing[1] });
      return;
    }
    const lag = LAG.exec(text);
    if (lag) {
      this.emit('lag', { group: lag[2], missed: Number(lag[1]), text });
      return;
    }
    this.emit('error', { text });
  }
}

function newGroup() {
  // lastSeq: the newest seq shown; firstSeq: the oldest; held: messages held until the catch-up
  // point; older: a page of scroll-back on its way; fetched: what each awaited Fetched ends.
  // owner, operators, topic, modes, memberCount: from GroupInfo, Topic and the events; banned and
  // muted: the accounts the events seen have banned or muted (the server lists neither).
  return {
    lastSeq: 0, firstSeq: 0, held: [], older: null, noOlder: false, fetched: [], restarted: false,
    owner: null, operators: [], topic: null, modes: { invite_only: false, moderated: false, private: false },
    memberCount: null, banned: new Set(), muted: new Set(),
  };
}

function newConversation() {
  // newest/read: the conversation's newest seq and the account's read marker (from Conversations,
  // Direct, Sent and Read). open: its messages are shown; seen: the seqs shown; firstSeq/lastSeq:
  // the oldest and newest shown; fetches: the FetchDirect answers awaited (newest, after, before);
  // buffer: messages held until the next FetchedDirect.
  return { newest: 0, read: 0, open: false, seen: new Set(), firstSeq: 0, lastSeq: 0, fetches: [], buffer: [], noOlder: false };
}

/** A JWT's `exp` in ms since 1970, or null when it has none or is not a JWT (nothing is verified here). */
export function tokenExpiry(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '='));
    const exp = JSON.parse(json).exp;
    return Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function newIdPrefix() {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A wire duration ("24h", "7d") or an `until` time, as words for an event's line. */
function untilWords(until) {
  if (!until) return '';
  return ` until ${shortTime(until)}`;
}

/** A GroupEvent as a line of the timeline: `alice banned bob until 8 Dec 14:03: spam`. */
export function describeGroupEvent(e) {
  const by = e.by ?? 'someone';
  const name = e.name ?? 'someone';
  const why = e.reason ? `: ${e.reason}` : '';
  switch (e.kind) {
    case 'op': return `${by} made ${name} an operator`;
    case 'deop': return `${by} took ${name}'s operator role away`;
    case 'owner': return `${by} handed ownership of ${e.group_name} to ${name}`;
    case 'topic': return e.topic ? `${by} set the topic: ${e.topic}` : `${by} cleared the topic`;
    case 'kick': return `${by} kicked ${name}${why}`;
    case 'ban': return `${by} banned ${name}${untilWords(e.until)}${why}`;
    case 'unban': return `${by} lifted the ban on ${name}`;
    case 'mute': return `${by} muted ${name}${untilWords(e.until)}${why}`;
    case 'unmute': return `${by} unmuted ${name}`;
    case 'mode': return `${by} set the modes: ${modeWords(e)}`;
    case 'invite': return `${by} invited ${name} to ${e.group_name}`;
    case 'drop': return `${by} deleted ${e.group_name} and its history`;
    default: return `${by}: ${e.kind}${e.name ? ` ${e.name}` : ''}`;
  }
}

/** A group's modes in words: `invite-only, moderated` or `open`. */
export function modeWords(modes) {
  const on = [];
  if (modes.invite_only) on.push('invite-only');
  if (modes.moderated) on.push('moderated');
  if (modes.private) on.push('private');
  return on.length > 0 ? on.join(', ') : 'open';
}

/** UTF-8 length of a string, as the server counts a message against --max-message. */
export function utf8Bytes(text) {
  return new TextEncoder().encode(text).length;
}

/**
 * Bytes of the Post request that carries `message` (with an id as long as any this page makes),
 * as the server counts it against its line limit (--max-line): JSON escapes make it longer.
 */
export function postBytes(group, message) {
  return utf8Bytes(JSON.stringify({ Post: { group_name: group, message, id: 'f'.repeat(12) + '-' + '9'.repeat(12) } }));
}

// ---------------------------------------------------------------- unread counts

/**
 * Unread messages per group: a message counts when its group is not the one open, or when the
 * page is hidden; opening a group (with the page visible) reads it. `title()` is the page title.
 */
export class Unread {
  constructor(base = 'Parley') {
    this.base = base;
    this.counts = new Map();
    this.open = null;
    this.visible = true;
  }

  /** A new message in `group`; returns whether it counted as unread. */
  add(group) {
    if (group === this.open && this.visible) return false;
    this.counts.set(group, (this.counts.get(group) ?? 0) + 1);
    return true;
  }

  /** The group on screen now (null: none); it is read if the page is visible. */
  show(group, visible = this.visible) {
    this.open = group;
    this.visible = visible;
    if (group !== null && visible) this.counts.delete(group);
  }

  forget(group) {
    this.counts.delete(group);
    if (this.open === group) this.open = null;
  }

  count(group) {
    return this.counts.get(group) ?? 0;
  }

  get total() {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  title() {
    const n = this.total;
    return n > 0 ? `(${n}) ${this.base}` : this.base;
  }
}

// ---------------------------------------------------------------- times

const formats = new Map();
function format(timeZone, options) {
  const key = `${timeZone ?? ''}|${JSON.stringify(options)}`;
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat('en-GB', { ...options, timeZone }));
  return formats.get(key);
}

/** The calendar day of `ts` in `timeZone` (undefined: the browser's), as YYYY-MM-DD. */
export function dayKey(ts, timeZone = undefined) {
  const parts = format(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ts));
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * A message's time as shown beside it: `14:03` today, `6 Dec 14:03` earlier this year,
 * `6 Dec 2025 14:03` before that (24-hour clock).
 */
export function shortTime(ts, now = Date.now(), timeZone = undefined) {
  const time = format(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ts));
  const day = dayKey(ts, timeZone);
  const today = dayKey(now, timeZone);
  if (day === today) return time;
  const options = day.slice(0, 4) === today.slice(0, 4) ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' };
  return `${format(timeZone, options).format(new Date(ts))} ${time}`;
}

/** The full date and time, for the hover title: `Monday 7 December 2026, 14:03:05`. */
export function fullTime(ts, timeZone = undefined) {
  const d = new Date(ts);
  const date = format(timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(d).replace(',', '');
  const time = format(timeZone, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(d);
  return `${date}, ${time}`;
}

/** A day separator's words: `Today`, `Yesterday`, or `Saturday 5 December 2026`. */
export function dayLabel(ts, now = Date.now(), timeZone = undefined) {
  const day = dayKey(ts, timeZone);
  if (day === dayKey(now, timeZone)) return 'Today';
  // Yesterday: the day of a moment 24 h before now's noon is yesterday in any zone (DST included).
  const [y, m, dd] = dayKey(now, timeZone).split('-').map(Number);
  const yesterday = new Date(Date.UTC(y, m - 1, dd - 1)).toISOString().slice(0, 10);
  if (day === yesterday) return 'Yesterday';
  return format(timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(ts)).replace(',', '');
}

/** Whether `text` mentions `name` as a word (`@name` or `name`), ignoring case. */
export function mentions(text, name) {
  if (!name) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_.-])@?${escaped}($|[^A-Za-z0-9_-])`, 'i').test(text);
}
