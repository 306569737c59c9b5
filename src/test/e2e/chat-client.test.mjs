// The page's client module (src/main/resources/web/chat-client.js) against a fake WebSocket:
// the requests it sends, and catch-up after a reconnection without gaps or duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChatClient, FETCH_LIMIT, HISTORY, PAGE, Unread, dayLabel, describeGroupEvent, fullTime, mentions, postBytes, shortTime, tokenExpiry, utf8Bytes,
} from '../../main/resources/web/chat-client.js';

class FakeSocket {
  static all = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.readyState = 0;
    FakeSocket.all.push(this);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  // server side
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(packet) {
    this.onmessage?.({ data: JSON.stringify(packet) });
  }
  takeSent() {
    const s = this.sent;
    this.sent = [];
    return s;
  }
}

function setup() {
  FakeSocket.all = [];
  const timers = [];
  const client = new ChatClient('ws://test/ws', {
    WebSocket: FakeSocket,
    backoff: [500, 10000],
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  const events = [];
  for (const type of ['status', 'welcome', 'message', 'members', 'lag', 'gap', 'notice', 'error', 'name-rejected', 'left', 'groups', 'groups-more', 'members-more', 'posted', 'older', 'presence', 'reset']) {
    client.on(type, (d) => events.push({ type, ...d }));
  }
  const take = (type) => {
    const out = events.filter((e) => e.type === type);
    events.length = 0;
    return out;
  };
  return { client, timers, events, take };
}

const msg = (group, seq, text = `m${seq}`, from = 'bob', ts = 1765100000000 + seq) => ({ Message: { group_name: group, message: text, from, seq, ts } });

/** Drops the connection and opens the next one up to its Welcome (with `epoch`). */
function reconnect(s, ws, epoch = undefined) {
  ws.close(1006, '');
  s.timers.at(-1).fn();
  const next = FakeSocket.all.at(-1);
  next.open();
  next.takeSent();
  next.receive({ Welcome: { name: 'alice', server: 'parley test', ...(epoch ? { epoch } : {}) } });
  return next;
}

function connected(name = 'alice') {
  const s = setup();
  s.client.connect(name);
  const ws = FakeSocket.all[0];
  ws.open();
  assert.deepEqual(ws.takeSent(), [{ Hello: { name } }]);
  ws.receive({ Welcome: { name, server: 'parley test' } });
  s.events.length = 0;
  return { ...s, ws };
}

test('says Hello first, then joins with history and holds messages until the Members answer', () => {
  const { client, ws, take } = connected();
  assert.equal(client.state, 'connected');
  client.join('dogs');
  assert.deepEqual(ws.takeSent(), [
    { Join: { group_name: 'dogs', history: HISTORY } },
    { Members: { group_name: 'dogs' } },
  ]);
  ws.receive(msg('dogs', 7));
  ws.receive(msg('dogs', 8));
  assert.deepEqual(take('message'), []);
  ws.receive({ Members: { group_name: 'dogs', names: ['alice', 'bob'] } });
  ws.receive(msg('dogs', 9, 'live'));
  const shown = take('message');
  assert.deepEqual(shown.map((m) => [m.seq, m.text, m.from, m.catchUp]), [
    [7, 'm7', 'bob', true],
    [8, 'm8', 'bob', true],
    [9, 'live', 'bob', false],
  ]);
  const id = client.post('dogs', 'hi');
  client.leave('dogs');
  assert.deepEqual(ws.takeSent(), [
    { Post: { group_name: 'dogs', message: 'hi', id } },
    { Leave: { group_name: 'dogs' } },
  ]);
});

test('after a dropped connection: Hello again, re-join, Fetch after the last seq; no gap, no duplicate', () => {
  const { client, ws, timers, take } = connected();
  client.join('dogs');
  client.join('cats');
  ws.receive(msg('dogs', 1));
  ws.receive(msg('dogs', 2));
  ws.receive({ Members: { group_name: 'dogs', names: ['alice'] } });
  ws.receive({ Members: { group_name: 'cats', names: ['alice'] } });
  ws.receive(msg('dogs', 3));
  take('message');

  ws.close(1006, '');
  const [status] = take('status');
  assert.equal(status.state, 'reconnecting');
  assert.equal(status.retryInMs, 500);
  assert.equal(timers.length, 1);
  timers[0].fn();

  const ws2 = FakeSocket.all[1];
  ws2.open();
  assert.deepEqual(ws2.takeSent(), [{ Hello: { name: 'alice' } }]);
  ws2.receive({ Welcome: { name: 'alice', server: 'parley test' } });
  assert.deepEqual(ws2.takeSent(), [
    { Join: { group_name: 'dogs' } },
    { Fetch: { group_name: 'dogs', after: 3, limit: FETCH_LIMIT } },
    { Members: { group_name: 'dogs' } },
    { Join: { group_name: 'cats', history: HISTORY } },
    { Members: { group_name: 'cats' } },
  ]);
  // Live messages posted after the Join come before the Fetch answer, which repeats them.
  ws2.receive(msg('dogs', 6));
  ws2.receive(msg('dogs', 4));
  ws2.receive(msg('dogs', 5));
  ws2.receive(msg('dogs', 6));
  ws2.receive({ Members: { group_name: 'dogs', names: ['alice', 'bob'] } });
  ws2.receive(msg('dogs', 7));
  ws2.receive({ Members: { group_name: 'cats', names: ['alice'] } });
  assert.deepEqual(take('message').map((m) => m.seq), [4, 5, 6, 7]);
  assert.equal(client.groups.get('dogs').lastSeq, 7);

  // The next drop backs off from the first delay again, since this reconnection worked.
  ws2.close(1001, 'server shutting down');
  assert.equal(take('status')[0].retryInMs, 500);
});

test('reports what catch-up could not fetch, and a group that began anew', () => {
  const { client, ws, timers, take } = connected();
  client.join('dogs');
  ws.receive(msg('dogs', 3));
  ws.receive({ Members: { group_name: 'dogs', names: [] } });
  ws.close(1006, '');
  timers[0].fn();
  const ws2 = FakeSocket.all[1];
  ws2.open();
  ws2.receive({ Welcome: { name: 'alice', server: 'parley test' } });
  ws2.receive(msg('dogs', 10));
  ws2.receive({ Members: { group_name: 'dogs', names: [] } });
  const gaps = take('gap');
  assert.deepEqual(gaps.map((g) => [g.group, g.missing]), [['dogs', 6]]);

  ws2.close(1006, '');
  timers[1].fn();
  const ws3 = FakeSocket.all[2];
  ws3.open();
  ws3.receive({ Welcome: { name: 'alice', server: 'parley test' } });
  ws3.receive(msg('dogs', 1, 'new life'));
  ws3.receive({ Members: { group_name: 'dogs', names: [] } });
  // Lower numbers than seen before: the group was removed while empty and made again.
  assert.deepEqual(
    take('notice').map((n) => n.text),
    ['dogs was empty for a while and started again.'],
  );
  assert.equal(client.groups.get('dogs').lastSeq, 1);
});

test('a lag notice is reported for its group; other errors as they are', () => {
  const { ws, take } = connected();
  ws.receive({ Error: 'Dropped 260 messages from dogs.' });
  assert.deepEqual(take('lag').map((l) => [l.group, l.missed]), [['dogs', 260]]);
  ws.receive({ Error: "Group 'cats' does not exist" });
  assert.deepEqual(take('error').map((e) => e.text), ["Group 'cats' does not exist"]);
});

test('a name refused at sign-in is reported and not retried', () => {
  const s = setup();
  s.client.connect('taken');
  const ws = FakeSocket.all[0];
  ws.open();
  ws.receive({ Error: "name 'taken' is taken" });
  assert.deepEqual(s.take('name-rejected').map((e) => [e.text, e.reconnecting]), [["name 'taken' is taken", false]]);
  assert.equal(s.client.state, 'idle');
  assert.equal(s.timers.length, 0);
});

test('with an access token: Auth before Hello, on every connection', () => {
  const s = setup();
  s.client.connect('alice', 's3cret');
  const ws = FakeSocket.all[0];
  ws.open();
  assert.deepEqual(ws.takeSent(), [{ Auth: { token: 's3cret' } }, { Hello: { name: 'alice' } }]);
  ws.receive({ Welcome: { name: 'alice', server: 'parley test' } });
  ws.close(1006, 'gone');
  s.timers.shift().fn();
  const again = FakeSocket.all[1];
  again.open();
  assert.deepEqual(again.takeSent().slice(0, 2), [{ Auth: { token: 's3cret' } }, { Hello: { name: 'alice' } }]);
});

test('a Join the server refused is dropped, not held for ever', () => {
  const { client, ws, take } = connected();
  client.join('x'.repeat(300));
  ws.receive({ Error: 'group name longer than 256 characters' });
  ws.receive({ Error: `Group '${'x'.repeat(300)}' does not exist` });
  assert.equal(take('left').length, 1);
  assert.equal(client.groups.size, 0);
});

test('List and Members pages: a Listed summary is no error; more groups wait for a click, more members are fetched', () => {
  const { client, ws, take, events } = connected();
  client.listGroups();
  assert.deepEqual(ws.takeSent(), [{ List: {} }]);
  ws.receive({ Groups: [{ name: 'a', members: 1 }, { name: 'b', members: 2 }] });
  ws.receive({ Listed: { count: 2, more: true } });
  assert.deepEqual(events.filter((e) => e.type === 'error'), []);
  assert.deepEqual(take('groups').map((e) => [e.groups.length, e.append]), [[2, false]]);
  client.listGroups('b');
  assert.deepEqual(ws.takeSent(), [{ List: { after: 'b' } }]);
  ws.receive({ Groups: [{ name: 'c', members: 1 }] });
  ws.receive({ Listed: { count: 1, more: false } });
  assert.deepEqual(take('groups').map((e) => [e.groups.length, e.append]), [[1, true]]);

  client.join('dogs');
  ws.takeSent();
  ws.receive({ Members: { group_name: 'dogs', names: ['alice', 'bob'] } });
  ws.receive({ Listed: { group_name: 'dogs', count: 2, more: true } });
  assert.deepEqual(ws.takeSent(), [{ Members: { group_name: 'dogs', after: 'bob' } }]);
  ws.receive({ Members: { group_name: 'dogs', names: ['carol'] } });
  ws.receive({ Listed: { group_name: 'dogs', count: 1, more: false } });
  assert.deepEqual(ws.takeSent(), []);
  assert.deepEqual(take('members').map((e) => [e.names, e.append]), [[['alice', 'bob'], false], [['carol'], true]]);
  assert.deepEqual(events.filter((e) => e.type === 'error'), []);
});

// ---------------------------------------------------------------- posts with ids

test('post ids: unique to the page and increasing', () => {
  const a = connected().client;
  const b = setup().client;
  const ids = [a.nextId(), a.nextId(), a.nextId()];
  assert.equal(new Set(ids).size, 3);
  for (const id of ids) assert.match(id, /^[0-9a-f]{12}-\d+$/);
  assert.deepEqual(ids.map((id) => Number(id.split('-')[1])), [1, 2, 3]);
  assert.notEqual(a.nextId().split('-')[0], b.nextId().split('-')[0], 'another page has another prefix');
  for (const id of ids) assert.ok(id.length >= 1 && id.length <= 64 && /^[ -~]+$/.test(id), 'what the server accepts');
});

test('a post is pending until its Posted; its Message carries the id', () => {
  const s = connected();
  const { client, ws, take } = s;
  client.join('dogs');
  ws.receive({ Members: { group_name: 'dogs', names: ['alice'] } });
  ws.takeSent();
  const id = client.post('dogs', 'woof');
  assert.deepEqual(ws.takeSent(), [{ Post: { group_name: 'dogs', message: 'woof', id } }]);
  assert.deepEqual(client.pendingPosts().map((p) => p.id), [id]);
  ws.receive(msg('dogs', 1, 'woof', 'alice'));
  const [m] = take('message');
  assert.equal(m.id, id);
  assert.equal(m.pending, true);
  ws.receive({ Posted: { group_name: 'dogs', id, seq: 1, ts: 5 } });
  assert.deepEqual(take('posted').map((p) => [p.id, p.seq, p.ts]), [[id, 1, 5]]);
  assert.deepEqual(client.pendingPosts(), []);
  // A second Posted for the same id (an answer to a resend) is nothing new.
  ws.receive({ Posted: { group_name: 'dogs', id, seq: 1, ts: 5 } });
  assert.deepEqual(take('posted'), []);
});

test('on reconnection every post without a Posted is sent again, after the re-join', () => {
  const s = connected();
  const { client, ws } = s;
  client.join('dogs');
  ws.receive(msg('dogs', 1));
  ws.receive({ Members: { group_name: 'dogs', names: ['alice'] } });
  ws.takeSent();
  const sent = client.post('dogs', 'sent, no Posted yet');
  ws.receive(msg('dogs', 2, 'sent, no Posted yet', 'alice'));
  const answered = client.post('dogs', 'answered');
  ws.receive({ Posted: { group_name: 'dogs', id: answered, seq: 3, ts: 9 } });
  ws.close(1006, '');
  // Typed while disconnected: kept, not sent.
  const offline = client.post('dogs', 'typed while away');
  assert.deepEqual(client.pendingPosts().map((p) => p.id), [sent, offline]);
  s.timers.at(-1).fn();
  const ws2 = FakeSocket.all.at(-1);
  ws2.open();
  ws2.takeSent();
  ws2.receive({ Welcome: { name: 'alice', server: 'parley test' } });
  assert.deepEqual(ws2.takeSent(), [
    { Join: { group_name: 'dogs' } },
    { Fetch: { group_name: 'dogs', after: 2, limit: FETCH_LIMIT } },
    { Members: { group_name: 'dogs' } },
    { Post: { group_name: 'dogs', message: 'sent, no Posted yet', id: sent } },
    { Post: { group_name: 'dogs', message: 'typed while away', id: offline } },
  ]);
  // The server knew the first id (no new Message, the same Posted); the second lands now.
  ws2.receive({ Fetched: { group_name: 'dogs', count: 0, oldest: 1, newest: 3 } });
  ws2.receive({ Members: { group_name: 'dogs', names: ['alice'] } });
  ws2.receive({ Posted: { group_name: 'dogs', id: sent, seq: 2, ts: 1 } });
  ws2.receive(msg('dogs', 4, 'typed while away', 'alice'));
  ws2.receive({ Posted: { group_name: 'dogs', id: offline, seq: 4, ts: 2 } });
  assert.deepEqual(client.pendingPosts(), []);
  // Leaving a group forgets its pending posts.
  client.post('dogs', 'never mind');
  client.leave('dogs');
  assert.deepEqual(client.pendingPosts(), []);
});

test('a server that started afresh (another epoch) resets each group and resends', () => {
  const s = connected();
  const { client, ws, take } = s;
  ws.receive({ Welcome: { name: 'alice', server: 'parley test', epoch: 'e1' } });
  client.join('dogs');
  ws.receive(msg('dogs', 5));
  ws.receive({ Members: { group_name: 'dogs', names: ['alice'] } });
  ws.close(1006, '');
  const id = client.post('dogs', 'hello again');
  s.timers.at(-1).fn();
  const ws2 = FakeSocket.all.at(-1);
  ws2.open();
  ws2.takeSent();
  take('reset');
  ws2.receive({ Welcome: { name: 'alice', server: 'parley test', epoch: 'e2' } });
  assert.deepEqual(take('reset').map((r) => r.group), ['dogs']);
  assert.deepEqual(ws2.takeSent(), [
    { Join: { group_name: 'dogs', history: HISTORY } },
    { Members: { group_name: 'dogs' } },
    { Post: { group_name: 'dogs', message: 'hello again', id } },
  ]);
});

test('a server without a store that restarted: Fetched says the group is newer than what we saw', () => {
  const s = connected();
  const { client, ws, take } = s;
  client.join('dogs');
  ws.receive(msg('dogs', 1));
  ws.receive(msg('dogs', 2));
  ws.receive({ Members: { group_name: 'dogs', names: ['alice'] } });
  take('message');
  const ws2 = reconnect(s, ws);
  ws2.receive({ Fetched: { group_name: 'dogs', count: 0, oldest: 0, newest: 0 } });
  ws2.receive({ Members: { group_name: 'dogs', names: ['alice'] } });
  assert.deepEqual(take('reset').map((r) => r.group), ['dogs']);
  ws2.receive(msg('dogs', 1, 'first of the new life'));
  assert.deepEqual(take('message').map((m) => [m.seq, m.text]), [[1, 'first of the new life']]);
});

// ---------------------------------------------------------------- scroll-back

test('scroll-back: Fetch before the oldest shown, a page at a time, until Fetched says done', () => {
  const { client, ws, take, events } = connected();
  client.join('dogs');
  ws.takeSent();
  for (let seq = 101; seq <= 150; seq++) ws.receive(msg('dogs', seq));
  ws.receive({ Fetched: { group_name: 'dogs', count: 50, oldest: 1, newest: 150 } });
  ws.receive({ Members: { group_name: 'dogs', names: ['alice'] } });
  take('message');
  assert.equal(client.loadOlder('dogs'), true);
  assert.equal(client.loadOlder('dogs'), false, 'one page at a time');
  assert.deepEqual(ws.takeSent(), [{ Fetch: { group_name: 'dogs', before: 101, limit: PAGE } }]);
  // A live message in the middle of the page goes on as live.
  for (let seq = 51; seq <= 70; seq++) ws.receive(msg('dogs', seq));
  ws.receive(msg('dogs', 151, 'live'));
  for (let seq = 71; seq <= 100; seq++) ws.receive(msg('dogs', seq));
  ws.receive({ Fetched: { group_name: 'dogs', count: 50, oldest: 1, newest: 151 } });
  assert.deepEqual(events.filter((e) => e.type === 'message').map((m) => m.seq), [151]);
  const [page] = take('older');
  assert.deepEqual(page.messages.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => 51 + i));
  assert.equal(page.done, false);
  assert.equal(client.loadOlder('dogs'), true);
  assert.deepEqual(ws.takeSent(), [{ Fetch: { group_name: 'dogs', before: 51, limit: PAGE } }]);
  for (let seq = 1; seq <= 50; seq++) ws.receive(msg('dogs', seq));
  ws.receive({ Fetched: { group_name: 'dogs', count: 50, oldest: 1, newest: 151 } });
  const [last] = take('older');
  assert.equal(last.messages[0].seq, 1);
  assert.equal(last.done, true);
  assert.equal(client.loadOlder('dogs'), false, 'nothing older');
  assert.deepEqual(ws.takeSent(), []);
});

test('a group whose whole history came with the Join has nothing older to load', () => {
  const { client, ws } = connected();
  client.join('dogs');
  ws.takeSent();
  ws.receive(msg('dogs', 8));
  ws.receive(msg('dogs', 9));
  ws.receive({ Fetched: { group_name: 'dogs', count: 2, oldest: 8, newest: 9 } });
  ws.receive({ Members: { group_name: 'dogs', names: ['alice'] } });
  assert.equal(client.groups.get('dogs').noOlder, true);
  assert.equal(client.loadOlder('dogs'), false);
  assert.deepEqual(ws.takeSent(), []);
});

test('presence: Joined and Left become presence events', () => {
  const { ws, take } = connected();
  ws.receive({ Joined: { group_name: 'dogs', name: 'bob' } });
  ws.receive({ Left: { group_name: 'dogs', name: 'bob' } });
  assert.deepEqual(take('presence').map((p) => [p.group, p.name, p.joined]), [['dogs', 'bob', true], ['dogs', 'bob', false]]);
});

// ---------------------------------------------------------------- unread, times, mentions, sizes

test('unread counts: background groups and a hidden page count; opening a group reads it', () => {
  const u = new Unread('Parley');
  u.show('dogs', true);
  assert.equal(u.add('dogs'), false, 'the open group, on screen');
  assert.equal(u.add('cats'), true);
  u.add('cats');
  u.add('cats');
  assert.equal(u.count('cats'), 3);
  assert.equal(u.title(), '(3) Parley');
  u.show('dogs', false); // the page is hidden
  assert.equal(u.add('dogs'), true);
  assert.equal(u.title(), '(4) Parley');
  u.show('dogs', true); // back
  assert.equal(u.count('dogs'), 0);
  u.show('cats', true);
  assert.equal(u.total, 0);
  assert.equal(u.title(), 'Parley');
  u.add('birds');
  u.forget('birds');
  assert.equal(u.title(), 'Parley');
});

test('times: today as 14:03, older with the date, the full date and time for hover (fixed zones)', () => {
  const now = Date.UTC(2026, 11, 7, 15, 0, 0); // Monday 7 December 2026, 15:00 UTC
  assert.equal(shortTime(Date.UTC(2026, 11, 7, 14, 3, 59), now, 'UTC'), '14:03');
  assert.equal(shortTime(Date.UTC(2026, 11, 7, 0, 5), now, 'UTC'), '00:05');
  assert.equal(shortTime(Date.UTC(2026, 11, 6, 23, 59), now, 'UTC'), '6 Dec 23:59');
  assert.equal(shortTime(Date.UTC(2025, 0, 2, 9, 30), now, 'UTC'), '2 Jan 2025 09:30');
  // In Tokyo (UTC+9) 15:00 UTC is already the 8th: 14:03 UTC on the 7th is 23:03 the day before there.
  assert.equal(shortTime(Date.UTC(2026, 11, 7, 14, 3), now, 'Asia/Tokyo'), '7 Dec 23:03');
  assert.equal(shortTime(Date.UTC(2026, 11, 7, 15, 30), now, 'Asia/Tokyo'), '00:30');
  assert.equal(shortTime(Date.UTC(2026, 11, 7, 14, 3), now, 'America/New_York'), '09:03');
  assert.equal(fullTime(Date.UTC(2026, 11, 7, 14, 3, 5), 'UTC'), 'Monday 7 December 2026, 14:03:05');
  assert.equal(dayLabel(Date.UTC(2026, 11, 7, 1), now, 'UTC'), 'Today');
  assert.equal(dayLabel(Date.UTC(2026, 11, 6, 1), now, 'UTC'), 'Yesterday');
  assert.equal(dayLabel(Date.UTC(2026, 11, 5, 1), now, 'UTC'), 'Saturday 5 December 2026');
});

test('mentions and sizes', () => {
  assert.equal(mentions('hey alice, look', 'alice'), true);
  assert.equal(mentions('@Alice.', 'alice'), true);
  assert.equal(mentions('malice', 'alice'), false);
  assert.equal(mentions('alice_b is here', 'alice'), false);
  assert.equal(mentions('ping a.b', 'a.b'), true);
  assert.equal(mentions('ping axb', 'a.b'), false);
  assert.equal(utf8Bytes('é€😀'), 2 + 3 + 4);
  // The request line, escapes included, with an id as long as the page makes.
  const c = setup().client;
  for (const text of ['hi', '"quoted"\n', '\u0001é']) {
    const real = utf8Bytes(JSON.stringify({ Post: { group_name: 'dogs', message: text, id: c.nextId() } }));
    assert.ok(postBytes('dogs', text) >= real && postBytes('dogs', text) <= real + 12, text);
  }
});

// ---------------------------------------------------------------- accounts and direct messages

const DM_EVENTS = ['direct', 'direct-new', 'direct-loaded', 'direct-older', 'direct-read', 'direct-error', 'direct-reset',
  'sent', 'conversations', 'blocked', 'refreshed'];

function signedIn({ register = false, unread = 0 } = {}) {
  const s = setup();
  for (const type of DM_EVENTS) s.client.on(type, (d) => s.events.push({ type, ...d }));
  s.client.signIn('alice', 'sesame', { register });
  const ws = FakeSocket.all[0];
  ws.open();
  assert.deepEqual(ws.takeSent(), [{ [register ? 'Register' : 'Login']: { name: 'alice', password: 'sesame' } }]);
  ws.receive({ Welcome: { name: 'alice', server: 'parley test', account: true, ...(unread ? { unread } : {}) } });
  assert.deepEqual(ws.takeSent(), [{ Conversations: {} }]);
  return { ...s, ws };
}

const dm = (from, to, seq, text = `d${seq}`) => ({ Direct: { from, to, message: text, seq, ts: 1765100000000 + seq } });

test('Register signs in; a reconnection signs in again with Login; the password is in no packet but those', () => {
  const { client, ws, timers } = signedIn({ register: true });
  assert.equal(client.account, true);
  ws.close(1006, '');
  timers.at(-1).fn();
  const ws2 = FakeSocket.all[1];
  ws2.open();
  assert.deepEqual(ws2.takeSent(), [{ Login: { name: 'alice', password: 'sesame' } }]);
  client.disconnect();
  assert.equal(client.password, null, 'signing out forgets the password');
});

test('a wrong password ends the attempts; a busy server is tried again', () => {
  const s = setup();
  s.client.signIn('alice', 'wrong');
  let ws = FakeSocket.all[0];
  ws.open();
  ws.takeSent();
  ws.receive({ Error: 'wrong name or password' });
  const [rejected] = s.take('name-rejected');
  assert.equal(rejected.text, 'wrong name or password');
  assert.equal(rejected.final, true);
  assert.equal(s.client.state, 'idle');
  assert.equal(s.timers.length, 0, 'no reconnection');

  s.client.signIn('alice', 'sesame');
  ws = FakeSocket.all[1];
  ws.open();
  ws.takeSent();
  ws.receive({ Welcome: { name: 'alice', server: 'parley test', account: true } });
  ws.close(1006, '');
  s.timers.at(-1).fn();
  ws = FakeSocket.all[2];
  ws.open();
  ws.takeSent();
  ws.receive({ Error: 'server busy: too many sign-ins in progress; try again shortly' });
  assert.equal(s.take('name-rejected')[0].final, false);
  assert.equal(s.client.state, 'reconnecting');
});

test('a JWT from the page\'s function: Auth on each connection, and a fresh one sent before it expires', async () => {
  const s = setup();
  for (const type of DM_EVENTS) s.client.on(type, (d) => s.events.push({ type, ...d }));
  const payload = (exp) => Buffer.from(JSON.stringify({ sub: 'alice', exp })).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const tokens = [`h.${payload(now + 600)}.s1`, `h.${payload(now + 1200)}.s2`, `h.${payload(now + 1800)}.s3`];
  let asked = 0;
  s.client.signInWithToken(async () => tokens[asked++]);
  const ws = FakeSocket.all[0];
  ws.open();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ws.takeSent(), [{ Auth: { token: tokens[0] } }]);
  ws.receive({ Welcome: { name: 'alice', server: 'parley test', account: true } });
  ws.takeSent();
  // Asked again a minute before the token's exp (600 s away).
  const refresh = s.timers.at(-1);
  assert.ok(refresh.ms > 530_000 && refresh.ms <= 540_000, `refresh in ${refresh.ms} ms`);
  await refresh.fn();
  assert.deepEqual(ws.takeSent(), [{ Auth: { token: tokens[1] } }]);
  // The server's Welcome for the fresh token re-joins nothing.
  ws.receive({ Welcome: { name: 'alice', server: 'parley test', account: true } });
  assert.deepEqual(ws.takeSent(), []);
  assert.equal(s.take('refreshed').length, 1);
  // A new connection asks for a token again.
  ws.close(1006, '');
  s.timers.filter((t) => t.ms <= 10_000).at(-1).fn();
  const ws2 = FakeSocket.all[1];
  ws2.open();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ws2.takeSent(), [{ Auth: { token: tokens[2] } }]);
  assert.equal(asked, 3);
});

test('a refused token is final', async () => {
  const s = setup();
  s.client.signInWithToken(async () => 'a.b.c');
  const ws = FakeSocket.all[0];
  ws.open();
  await new Promise((r) => setImmediate(r));
  ws.receive({ Error: 'authentication failed: token expired' });
  const [rejected] = s.take('name-rejected');
  assert.equal(rejected.mode, 'jwt');
  assert.equal(rejected.final, true);
});

test('Welcome\'s unread count, then Conversations, Read from another device', () => {
  const { client, ws, take } = signedIn({ unread: 3 });
  assert.equal(client.directUnreadTotal, 3);
  ws.receive({ Conversations: [{ with: 'bob', newest: 7, read: 5 }, { with: 'carol', newest: 2, read: 1 }] });
  assert.deepEqual(take('conversations')[0].list.map((c) => [c.with, c.unread]), [['bob', 2], ['carol', 1]]);
  assert.equal(client.directUnreadTotal, 3);
  ws.receive({ Read: { with: 'bob', seq: 7 } });
  assert.equal(client.directUnread('bob'), 0);
  assert.equal(client.directUnreadTotal, 1);
  // A new message from bob counts; one from alice's other device moves her own marker.
  ws.receive(dm('bob', 'alice', 8));
  assert.equal(client.directUnread('bob'), 1);
  ws.receive(dm('alice', 'bob', 9));
  assert.equal(client.directUnread('bob'), 0);
  assert.deepEqual(take('direct-new').map((e) => [e.from, e.seq]), [['bob', 8], ['alice', 9]]);
  assert.deepEqual(take('direct'), [], 'no conversation open: nothing to show');
});

test('a conversation: the newest page, live messages, scroll-back with before, Read when shown', () => {
  const { client, ws, take } = signedIn();
  client.openConversation('bob');
  assert.deepEqual(ws.takeSent(), [{ FetchDirect: { with: 'bob', limit: PAGE } }]);
  ws.receive(dm('bob', 'alice', 60));
  ws.receive(dm('alice', 'bob', 61));
  ws.receive(dm('bob', 'alice', 62, 'live, before the end of the page'));
  assert.deepEqual(take('direct'), [], 'held until FetchedDirect');
  ws.receive({ FetchedDirect: { with: 'bob', count: 2, oldest: 1, newest: 62 } });
  const events = take('direct');
  assert.deepEqual(events.map((e) => [e.seq, e.from, e.mine]), [[60, 'bob', false], [61, 'alice', true], [62, 'bob', false]]);
  assert.equal(client.markRead('bob'), true);
  assert.deepEqual(ws.takeSent(), [{ Read: { with: 'bob', seq: 62 } }]);
  assert.equal(client.markRead('bob'), false, 'read already');

  assert.equal(client.loadOlderDirect('bob'), true);
  assert.deepEqual(ws.takeSent(), [{ FetchDirect: { with: 'bob', before: 60, limit: PAGE } }]);
  ws.receive(dm('bob', 'alice', 58));
  ws.receive(dm('bob', 'alice', 59));
  ws.receive({ FetchedDirect: { with: 'bob', count: 2, oldest: 58, newest: 62 } });
  const [older] = take('direct-older');
  assert.deepEqual(older.messages.map((m) => m.seq), [58, 59]);
  assert.equal(older.done, true, 'the oldest retained reached');
  assert.equal(client.loadOlderDirect('bob'), false);
});

test('a Direct is sent with an id, again after a reconnection until its Sent, and the open conversation catches up', () => {
  const { client, ws, timers, take } = signedIn();
  client.openConversation('bob');
  ws.takeSent();
  ws.receive(dm('bob', 'alice', 1));
  ws.receive({ FetchedDirect: { with: 'bob', count: 1, oldest: 1, newest: 1 } });
  const id = client.direct('bob', 'hi bob');
  assert.deepEqual(ws.takeSent(), [{ Direct: { to: 'bob', message: 'hi bob', id } }]);
  ws.close(1006, '');
  timers.at(-1).fn();
  const ws2 = FakeSocket.all[1];
  ws2.open();
  ws2.takeSent();
  ws2.receive({ Welcome: { name: 'alice', server: 'parley test', account: true } });
  assert.deepEqual(ws2.takeSent(), [
    { Conversations: {} },
    { FetchDirect: { with: 'bob', after: 1, limit: FETCH_LIMIT } },
    { Direct: { to: 'bob', message: 'hi bob', id } },
  ]);
  ws2.receive(dm('bob', 'alice', 2, 'while you were away'));
  ws2.receive(dm('alice', 'bob', 3, 'hi bob')); // the first send was stored before the drop
  ws2.receive({ FetchedDirect: { with: 'bob', count: 2, oldest: 1, newest: 3 } });
  ws2.receive({ Sent: { to: 'bob', id, seq: 3, ts: 1765100000003 } });
  const [sent] = take('sent');
  assert.deepEqual([sent.with, sent.id, sent.seq], ['bob', id, 3]);
  assert.equal(client.pendingDirects.size, 0);
  ws2.receive({ Sent: { to: 'bob', id, seq: 3, ts: 1765100000003 } });
  assert.deepEqual(take('sent'), [], 'a second answer to the resend is ignored');
});

test('no account by that name, a refused message, Block and Unblock', () => {
  const { client, ws, take } = signedIn();
  client.openConversation('nobody');
  client.direct('nobody', 'hello?');
  ws.takeSent();
  ws.receive({ Error: "no account named 'nobody'" });
  const [e] = take('direct-error');
  assert.equal(e.with, 'nobody');
  assert.equal(e.noAccount, true);
  assert.equal(client.pendingDirects.size, 0, 'not sent again');
  const id = client.direct('bob', 'x'.repeat(10));
  client.direct('bob', 'the next one');
  ws.receive({ Error: "message too long: 10 bytes, the limit is 5 bytes; it was not delivered to 'bob'" });
  assert.equal(take('direct-error')[0].id, id);
  assert.equal(client.pendingDirects.size, 1, 'only the refused one is dropped');
  take('error');
  client.block('bob');
  assert.deepEqual(ws.takeSent().at(-1), { Block: { name: 'bob' } });
  ws.receive({ Block: { name: 'bob' } });
  assert.equal(client.blocked.has('bob'), true);
  ws.receive({ Unblock: { name: 'bob' } });
  assert.equal(client.blocked.has('bob'), false);
  assert.deepEqual(take('blocked').map((b) => b.blocked), [true, false]);
});

test('tokenExpiry reads exp from a JWT without checking it', () => {
  const body = Buffer.from(JSON.stringify({ sub: 'a', exp: 1765100000 })).toString('base64url');
  assert.equal(tokenExpiry(`x.${body}.y`), 1765100000000);
  assert.equal(tokenExpiry('not a jwt'), null);
});

// ---------------------------------------------------------------- moderation (issue 22)

const MOD_EVENTS = ['group-event', 'group-info', 'topic', 'removed', 'invited'];
const ev = (group, seq, kind, extra = {}) => ({ GroupEvent: { group_name: group, kind, by: 'olga', seq, ts: 1765100000000 + seq, ...extra } });

function joinedModerated() {
  const s = connected();
  for (const type of MOD_EVENTS) s.client.on(type, (d) => s.events.push({ type, ...d }));
  s.client.join('g');
  s.ws.takeSent();
  return s;
}

test('group events take their place in the group\'s order: held, sorted, no gap, in history and live', () => {
  const { client, ws, events, timers, take } = joinedModerated();
  ws.receive(msg('g', 1));
  ws.receive(ev('g', 3, 'topic', { topic: 'walks at noon' }));
  ws.receive(ev('g', 2, 'kick', { name: 'alice', reason: 'testing' })); // a kick of ours in history: we are back since
  ws.receive({ Members: { group_name: 'g', names: ['alice', 'olga'] } });
  ws.receive(msg('g', 4));
  assert.deepEqual(events.filter((e) => e.type === 'message' || e.type === 'group-event').map((e) => [e.type, e.seq]),
    [['message', 1], ['group-event', 2], ['group-event', 3], ['message', 4]]);
  assert.deepEqual(take('gap'), []);
  assert.equal(client.groupState('g').topic.topic, 'walks at noon');
  assert.equal(client.groups.has('g'), true, 'a kick in history does not take the group away');

  ws.receive(ev('g', 5, 'mute', { name: 'bob', until: 1765200000000 }));
  ws.receive(ev('g', 6, 'mode', { invite_only: true, moderated: false, private: true }));
  assert.deepEqual(client.groupState('g').modes, { invite_only: true, moderated: false, private: true });
  assert.deepEqual([...client.groupState('g').muted], ['bob']);
  // Live, a kick of this account leaves the group for good: not re-joined after a reconnection.
  ws.receive(ev('g', 7, 'kick', { name: 'alice', reason: 'spam' }));
  const [removed] = take('removed');
  assert.equal(removed.text, 'olga kicked alice: spam');
  assert.equal(client.groups.has('g'), false);
  ws.close(1006, '');
  timers.at(-1).fn();
  const ws2 = FakeSocket.all.at(-1);
  ws2.open();
  ws2.takeSent();
  ws2.receive({ Welcome: { name: 'alice', server: 'parley test' } });
  assert.deepEqual(ws2.takeSent(), [], 'the group is not joined again');
});

test('GroupInfo: roles, asked again after a live role event; an older server without it is asked no more', () => {
  const { client, ws, take } = joinedModerated();
  ws.receive({ Members: { group_name: 'g', names: ['alice'] } });
  assert.equal(client.groupInfo('g'), true);
  assert.deepEqual(ws.takeSent(), [{ GroupInfo: { group_name: 'g' } }]);
  ws.receive({ GroupInfo: { group_name: 'g', owner: 'olga', operators: ['alice'], topic: 'hi', invite_only: false, moderated: true, private: false, members: 2 } });
  assert.equal(client.roleOf('g'), 'operator');
  assert.equal(client.roleOf('g', 'olga'), 'owner');
  assert.equal(client.roleOf('g', 'bob'), null);
  assert.equal(take('group-info')[0].modes.moderated, true);
  ws.receive(ev('g', 1, 'deop', { name: 'alice' }));
  assert.deepEqual(ws.takeSent(), [{ GroupInfo: { group_name: 'g' } }]);
  ws.receive({ Topic: { group_name: 'g', topic: 'new topic', by: 'olga', ts: 1765100000000 } });
  assert.equal(take('topic')[0].topic.by, 'olga');

  ws.receive({ Error: "unknown request 'GroupInfo'; expected one of Hello, Join, ..." });
  assert.deepEqual(take('error'), [], 'not shown: the server has no moderation');
  assert.equal(client.groupInfo('g'), false);
  assert.deepEqual(ws.takeSent(), []);
});

test('moderation requests carry exactly the fields given; scroll-back pages carry events', () => {
  const { client, ws, take } = joinedModerated();
  ws.receive(msg('g', 60));
  ws.receive({ Fetched: { group_name: 'g', count: 1, oldest: 1, newest: 60 } });
  ws.receive({ Members: { group_name: 'g', names: ['alice'] } });
  client.moderate('Kick', 'g', { name: 'bob', reason: '' });
  client.moderate('Ban', 'g', { name: 'bob', reason: 'spam', for: '24h' });
  client.moderate('Mute', 'g', { name: 'bob', for: '' });
  client.moderate('Topic', 'g', { topic: '' });
  client.moderate('Mode', 'g', { moderated: true });
  assert.deepEqual(ws.takeSent(), [
    { Kick: { group_name: 'g', name: 'bob' } },
    { Ban: { group_name: 'g', name: 'bob', reason: 'spam', for: '24h' } },
    { Mute: { group_name: 'g', name: 'bob' } },
    { Topic: { group_name: 'g', topic: '' } },
    { Mode: { group_name: 'g', moderated: true } },
  ]);
  assert.equal(client.loadOlder('g'), true);
  ws.takeSent();
  ws.receive(ev('g', 58, 'ban', { name: 'eve', reason: 'spam' }));
  ws.receive(msg('g', 59));
  ws.receive({ Fetched: { group_name: 'g', count: 2, oldest: 58, newest: 60 } });
  const [older] = take('older');
  assert.deepEqual(older.messages.map((m) => [m.seq, m.event?.kind ?? null]), [[58, 'ban'], [59, null]]);
  assert.deepEqual([...client.groupState('g').banned], [], 'old events in scroll-back change nothing');
});

test('group events in words', () => {
  const words = (kind, extra = {}) => describeGroupEvent({ group_name: 'g', kind, by: 'olga', ...extra });
  assert.equal(words('op', { name: 'bob' }), 'olga made bob an operator');
  assert.equal(words('deop', { name: 'bob' }), "olga took bob's operator role away");
  assert.equal(words('owner', { name: 'bob' }), 'olga handed ownership of g to bob');
  assert.equal(words('topic', { topic: 'walks' }), 'olga set the topic: walks');
  assert.equal(words('topic', { topic: '' }), 'olga cleared the topic');
  assert.equal(words('kick', { name: 'bob' }), 'olga kicked bob');
  assert.equal(words('ban', { name: 'bob', reason: 'spam' }), 'olga banned bob: spam');
  assert.match(words('ban', { name: 'bob', until: Date.now() + 3600_000 }), /^olga banned bob until \d\d:\d\d|^olga banned bob until \d+ \w+ \d\d:\d\d/);
  assert.equal(words('unban', { name: 'bob' }), 'olga lifted the ban on bob');
  assert.equal(words('mute', { name: 'bob' }), 'olga muted bob');
  assert.equal(words('unmute', { name: 'bob' }), 'olga unmuted bob');
  assert.equal(words('mode', { invite_only: true, private: true }), 'olga set the modes: invite-only, private');
  assert.equal(words('mode', {}), 'olga set the modes: open');
  assert.equal(words('invite', { name: 'bob' }), 'olga invited bob to g');
  assert.equal(words('drop'), 'olga deleted g and its history');
});
