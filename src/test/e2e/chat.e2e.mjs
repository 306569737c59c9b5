// End to end in a real browser: ./parley server on free ports, two headless Chromium pages and one
// TCP client chat in one group, each sees the others' messages; a dropped browser connection
// catches up without a gap. Saves target/e2e-screenshot.png (or $PARLEY_SCREENSHOT).
//
// Uses Debian's chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core; never
// downloads a browser. Every wait is bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// Into target/ so a test run leaves the work tree clean; PARLEY_SCREENSHOT=docs/screenshot.png refreshes the README's picture.
const SCREENSHOT = process.env.PARLEY_SCREENSHOT ?? path.join(ROOT, 'target', 'e2e-screenshot.png');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];
const WAIT = 15_000;
const SERVER_START = 180_000; // the launcher builds the jar first if it is stale

const missing = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
// In CI a missing browser is a failure, not a reason to skip.
const skip = missing && !process.env.CI ? missing : false;

// ---------------------------------------------------------------- helpers

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function until(what, check, ms = WAIT) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** ./parley server on free ports; resolves once /health answers. */
async function startServer(extraArgs = []) {
  const chatPort = await freePort();
  let httpPort = await freePort();
  while (httpPort === chatPort) httpPort = await freePort();
  const log = [];
  const proc = spawn(path.join(ROOT, 'parley'),
    ['server', `127.0.0.1:${chatPort}`, '--http', `127.0.0.1:${httpPort}`, '--data', 'none', ...extraArgs],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => log.push(String(d)));
  proc.stderr.on('data', (d) => log.push(String(d)));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal)));
  const base = `http://127.0.0.1:${httpPort}`;
  try {
    await until('the server\'s /health', async () => {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${log.join('')}`);
      try {
        return (await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) })).ok;
      } catch {
        return false;
      }
    }, SERVER_START);
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
  return {
    chatPort,
    base,
    log,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A raw TCP member of the chat port: newline-delimited JSON, as the book's client speaks it. */
async function tcpClient(port) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setEncoding('utf8');
  const lines = [];
  let partial = '';
  socket.on('data', (chunk) => {
    partial += chunk;
    let nl;
    while ((nl = partial.indexOf('\n')) >= 0) {
      lines.push(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
  });
  return {
    lines,
    send(packet) {
      socket.write(`${JSON.stringify(packet)}\n`);
    },
    /** The first line received (and not yet taken) that satisfies `match`. */
    async take(what, match) {
      return until(what, () => {
        const i = lines.findIndex(match);
        return i < 0 ? null : lines.splice(i, 1)[0];
      });
    },
    close() {
      socket.destroy();
    },
  };
}

async function signIn(page, base, name) {
  await page.goto(`${base}/`, { timeout: WAIT });
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Your name').press('Enter');
  await page.getByRole('status').getByText(`Connected as ${name}`).waitFor({ timeout: WAIT });
}

async function joinGroup(page, group) {
  await page.getByLabel('Join a group').fill(group);
  await page.getByLabel('Join a group').press('Enter');
  await page.getByRole('tab', { name: group }).waitFor({ timeout: WAIT });
}

async function post(page, group, text) {
  const box = page.getByLabel(`Message to ${group}`);
  await box.fill(text);
  await box.press('Enter');
}

/** The messages shown in a group's pane, as [from, text, seq]. */
async function shown(page, group) {
  return page.getByRole('log', { name: `Messages in ${group}` }).locator('li[data-seq]').evaluateAll((lis) =>
    lis.map((li) => [li.querySelector('.from').textContent, li.querySelector('.text').textContent, Number(li.dataset.seq)]));
}

async function waitShown(page, group, from, text) {
  await page.getByRole('log', { name: `Messages in ${group}` }).locator('li', { hasText: text })
    .filter({ has: page.locator('.from', { hasText: from }) })
    .first().waitFor({ timeout: WAIT });
}

// ---------------------------------------------------------------- the test

test('two browsers and a TCP client chat in one group', { skip, timeout: 300_000 }, async (t) => {
  assert.ok(!missing, missing ?? '');
  const server = await startServer();
  let browser;
  let carol;
  try {
    // A plain launch: Playwright gives the browser a fresh temporary profile and removes it after.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
    // A TCP member (with the Hello extension) seeds the group, so the browsers get history on joining.
    carol = await tcpClient(server.chatPort);
    carol.send({ Hello: { name: 'carol' } });
    await carol.take('Welcome', (l) => l.startsWith('{"Welcome":{"name":"carol"'));
    carol.send({ Join: { group_name: 'lobby' } });
    carol.send({ Post: { group_name: 'lobby', message: 'Morning all. Anyone tried the new build?' } });
    await carol.take('its own message', (l) => l.includes('"seq":1}'));

    const viewport = { width: 1200, height: 720 };
    const alice = await (await browser.newContext({ viewport })).newPage();
    const bob = await (await browser.newContext({ viewport })).newPage();
    const pageErrors = [];
    for (const p of [alice, bob]) {
      p.on('pageerror', (e) => pageErrors.push(String(e)));
      // A console error would be, say, a blocked request: the page must need nothing it may not load.
      p.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    }

    await t.test('sign in, join, and see history', async () => {
      await signIn(alice, server.base, 'alice');
      await joinGroup(alice, 'lobby');
      await waitShown(alice, 'lobby', 'carol', 'Morning all.');
      await signIn(bob, server.base, 'bob');
      await joinGroup(bob, 'lobby');
      await waitShown(bob, 'lobby', 'carol', 'Morning all.');
      // Keyboard: after joining, the message box has the focus.
      assert.ok(await bob.getByLabel('Message to lobby').evaluate((e) => e === document.activeElement));
      carol.send({ Members: { group_name: 'lobby' } });
      await carol.take('all three members', (l) => l === '{"Members":{"group_name":"lobby","names":["alice","bob","carol"]}}');
    });

    await t.test('each sees the others\' messages', async () => {
      await post(alice, 'lobby', 'Yes! The web client works.');
      await waitShown(bob, 'lobby', 'alice', 'Yes! The web client works.');
      assert.equal(await carol.take('alice\'s post', (l) => l.includes('web client works')),
        '{"Message":{"group_name":"lobby","message":"Yes! The web client works.","from":"alice","seq":2}}');

      await post(bob, 'lobby', 'Same here, from a second browser. Café later?');
      await waitShown(alice, 'lobby', 'bob', 'Same here, from a second browser. Café later?');
      assert.equal(await carol.take('bob\'s post', (l) => l.includes('second browser')),
        '{"Message":{"group_name":"lobby","message":"Same here, from a second browser. Café later?","from":"bob","seq":3}}');

      carol.send({ Post: { group_name: 'lobby', message: 'And I am on plain TCP <b>not bold</b>' } });
      await waitShown(alice, 'lobby', 'carol', 'And I am on plain TCP <b>not bold</b>');
      await waitShown(bob, 'lobby', 'carol', 'And I am on plain TCP <b>not bold</b>');
      assert.equal(await alice.locator('b').count(), 0, 'message text is never HTML');
    });

    await t.test('a name in use is refused plainly', async () => {
      const eve = await (await browser.newContext({ viewport })).newPage();
      await eve.goto(`${server.base}/`, { timeout: WAIT });
      await eve.getByLabel('Your name').fill('alice');
      await eve.getByRole('button', { name: 'Enter chat' }).click();
      await eve.getByRole('alert').getByText("name 'alice' is taken").waitFor({ timeout: WAIT });
      await eve.close();
    });

    await t.test('a dropped connection reconnects and catches up without a gap', async () => {
      await alice.evaluate(() => window.parley.client.dropConnection(2000));
      await alice.getByRole('status').getByText('Reconnecting').waitFor({ timeout: WAIT });
      carol.send({ Post: { group_name: 'lobby', message: 'Posted while alice was away (1)' } });
      await post(bob, 'lobby', 'Posted while alice was away (2)');
      await waitShown(alice, 'lobby', 'bob', 'Posted while alice was away (2)');
      await alice.getByRole('status').getByText('Connected as alice').waitFor({ timeout: WAIT });
      await post(alice, 'lobby', 'Back again, nothing missed.');
      await waitShown(bob, 'lobby', 'alice', 'Back again, nothing missed.');
      await waitShown(alice, 'lobby', 'alice', 'Back again, nothing missed.');
      const seqs = (await shown(alice, 'lobby')).map(([, , seq]) => seq);
      assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7], 'every message once, in order');
    });

    await t.test('members, a second group, and a screenshot', async () => {
      await joinGroup(alice, 'random');
      await alice.getByRole('tab', { name: 'lobby' }).click();
      await alice.getByRole('button', { name: 'Refresh members' }).filter({ visible: true }).click();
      const members = alice.getByRole('list', { name: 'Members of lobby' });
      await members.getByText('bob').waitFor({ timeout: WAIT });
      assert.deepEqual(await members.locator('li').allTextContents(), ['alice (you)', 'bob', 'carol']);
      await alice.getByRole('button', { name: 'Refresh', exact: true }).click();
      await alice.getByRole('list', { name: 'On this server' }).getByText('3 members').waitFor({ timeout: WAIT });
      await alice.getByLabel('Message to lobby').fill('Typing the next one…');
      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await alice.screenshot({ path: SCREENSHOT, timeout: WAIT });
    });

    await t.test('leaving a group and closing the page leave no trace', async () => {
      await bob.getByRole('button', { name: 'Leave group' }).click();
      carol.send({ Members: { group_name: 'lobby' } });
      await carol.take('bob gone', (l) => l === '{"Members":{"group_name":"lobby","names":["alice","carol"]}}');
      await alice.close();
      await until('alice gone', async () => {
        carol.send({ Members: { group_name: 'lobby' } });
        await new Promise((r) => setTimeout(r, 200));
        return carol.lines.includes('{"Members":{"group_name":"lobby","names":["carol"]}}');
      });
      assert.deepEqual(pageErrors, []);
    });
  } finally {
    carol?.close();
    await browser?.close().catch(() => {});
    await server.stop();
  }
});

test('with authentication on, the page signs in with an access token', { skip, timeout: 300_000 }, async () => {
  assert.ok(!missing, missing ?? '');
  const tokens = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-')), 'tokens');
  writeFileSync(tokens, 'dana-token-0001 dana\n');
  const server = await startServer(['--auth-tokens', tokens]);
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
    const wrong = await (await browser.newContext()).newPage();
    await wrong.goto(`${server.base}/`, { timeout: WAIT });
    await wrong.getByLabel('Your name').fill('dana');
    await wrong.getByLabel(/Access token/).fill('not-the-token');
    await wrong.getByLabel('Your name').press('Enter');
    await wrong.getByText(/unknown token|authentication/).first().waitFor({ timeout: WAIT });

    const dana = await (await browser.newContext()).newPage();
    await dana.goto(`${server.base}/`, { timeout: WAIT });
    await dana.getByLabel('Your name').fill('dana');
    await dana.getByLabel(/Access token/).fill('dana-token-0001');
    await dana.getByLabel('Your name').press('Enter');
    await dana.getByRole('status').getByText('Connected as dana').waitFor({ timeout: WAIT });
    await joinGroup(dana, 'vault');
    await post(dana, 'vault', 'signed in from a browser');
    await waitShown(dana, 'vault', 'dana', 'signed in from a browser');
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
});
