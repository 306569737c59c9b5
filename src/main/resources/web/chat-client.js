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

export const HISTORY = 50;
export const FETCH_LIMIT = 1000;
/** Pages of a group's member list fetched at most (100 names each). */
export const MEMBER_PAGES = 10;
const LAG = /^Dropped (\d+) messages? from (.*)\.$/s;
const MISSING = /^Group '(.*)' does not exist$/s;

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
    this.everWelcomed = false;
    this.setState('idle');
  }

  join(group) {
    if (this.groups.has(group)) return false;
    this.groups.set(group, { lastSeq: 0, held: [] });
    if (this.welcomed) {
      this.send({ Join: { group_name: group, history: HISTORY } });
      this.send({ Members: { group_name: group } });
    }
    return true;
  }

  leave(group) {
    if (!this.groups.delete(group)) return;
    if (this.welcomed) this.send({ Leave: { group_name: group } });
  }

  post(group, message) {
    return this.send({ Post: { group_name: group, message } });
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
      if (this.token) this.send({ Auth: { token: this.token } });
      this.send({ Hello: { name: this.name } });
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      this.receive(event.data);
    };
    ws.onclose = (event) => this.closed(ws, event.code, event.reason);
  }

  closed(ws, code, reason) {
    if (ws && this.ws !== ws) return; // an old socket
    this.ws = null;
    this.welcomed = false;
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
      case 'Error':
        return this.error(body);
      default:
        return this.emit('error', { text: `unknown packet '${kind}' from the server` });
    }
  }

  welcome({ name, server }) {
    this.helloPending = false;
    this.nameRejected = false;
    this.welcomed = true;
    const again = this.everWelcomed;
    this.everWelcomed = true;
    this.attempt = 0;
    this.setState('connected', { name, server, reconnected: again });
    this.emit('welcome', { name, server, reconnected: again });
    for (const [group, g] of this.groups) {
      g.held = [];
      if (g.lastSeq > 0) {
        this.send({ Join: { group_name: group } });
        this.send({ Fetch: { group_name: group, after: g.lastSeq, limit: FETCH_LIMIT } });
      } else {
        this.send({ Join: { group_name: group, history: HISTORY } });
      }
      this.send({ Members: { group_name: group } });
    }
  }

  message({ group_name: group, message, from = null, seq = 0 }) {
    const g = this.groups.get(group);
    if (!g) return; // a group just left
    const m = { group, text: message, from, seq };
    if (g.held) {
      g.held.push(m);
      return;
    }
    g.lastSeq = seq;
    this.emit('message', { ...m, catchUp: false });
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
    if (held.length > 0 && g.lastSeq > 0 && held[0].seq < expected) {
      // Lower numbers than already seen: the group ended while we were away and began anew.
      this.emit('notice', { group, text: `${group} was empty for a while and started again.` });
      expected = held[0].seq;
      g.lastSeq = 0;
    }
    let last = -1;
    for (const m of held) {
      if (m.seq === last) continue;
      if (g.lastSeq > 0 && m.seq > expected) {
        this.emit('gap', { group, missing: m.seq - expected });
      }
      last = m.seq;
      expected = m.seq + 1;
      g.lastSeq = m.seq;
      this.emit('message', { ...m, catchUp: true });
    }
  }

  error(text) {
    if (this.helloPending) {
      // The first answer on a connection is Hello's.
      this.helloPending = false;
      this.nameRejected = true;
      this.emit('name-rejected', { text, reconnecting: this.everWelcomed });
      if (this.ws) this.ws.close(1000, 'name rejected');
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
