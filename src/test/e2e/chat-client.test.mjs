// The page's client module (src/main/resources/web/chat-client.js) against a fake WebSocket:
// the requests it sends, and catch-up after a reconnection without gaps or duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, FETCH_LIMIT, HISTORY } from '../../main/resources/web/chat-client.js';

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
  for (const type of ['status', 'welcome', 'message', 'members', 'lag', 'gap', 'notice', 'error', 'name-rejected', 'left', 'groups', 'groups-more', 'members-more']) {
    client.on(type, (d) => events.push({ type, ...d }));
  }
  const take = (type) => {
    const out = events.filter((e) => e.type === type);
    events.length = 0;
    return out;
  };
  return { client, timers, events, take };
}

const msg = (group, seq, text = `m${seq}`, from = 'bob') => ({ Message: { group_name: group, message: text, from, seq } });

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
