// The console's integrations pages in a real browser (Debian's Chromium), against the stack
// that tests/browser/console_run.sh starts (its integrations service may send webhooks to
// plain http on 127.0.0.1, and retries in a second or two: Ian's block there). Signed in as
// Ian Integrations (an organiser): he makes an API key by keyboard alone (seen once; it works
// on the API until he revokes it), adds a webhook pointing at a receiver this test runs, sends
// tests, rotates the secret, turns a failing delivery into a dead letter and replays it, and
// downloads the contacts. Hana (another organisation) gets 404 for his webhook; Ivy (a viewer)
// is refused by the server. Every page state gets checkPage (axe-core, html-validate, 320 px
// reflow, text spacing).
'use strict';

const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { launch, go, act, checkPage, mainText, checked, BASE } = require('./lib.js');
const { signIn, askForLink, readMail, LINK, withPage: withPageIn, errorState, click } = require('./console_lib.js');

const IAN = 'ian@riverside.example';
const HANA = 'hana@hilltop.example';
const IVY = 'ivy@riverside.example';
const CONTACT = process.env.BROWSER_INTEGRATIONS_CONTACT;
const KEYS = '/manage/integrations/keys';
const WEBHOOKS = '/manage/integrations/webhooks';

const test = (name, fn) => nodeTest(name, { timeout: 120000 }, fn);

// The receiver: a webhook endpoint on a free loopback port, answering 200, or 500 while
// `failing` is set. Keeps every request it gets.
const receiver = { failing: false, got: [], server: null, url: '' };

let browser;
const withPage = (body) => withPageIn(browser, body);
before(async () => {
  assert.ok(CONTACT, 'BROWSER_INTEGRATIONS_CONTACT is not set: run through tests/browser/console_run.sh');
  browser = await launch();
  receiver.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const status = receiver.failing ? 500 : 200;
      receiver.got.push({ headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'not now');
    });
  });
  await new Promise((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${receiver.server.address().port}/hooks/events`;
});
after(async () => {
  if (browser) await browser.close();
  if (receiver.server) receiver.server.close();
  console.log(`axe-core, html-validate, 320 px reflow and text spacing checked ${checked.size} page states:\n  ` +
              [...checked].join('\n  '));
});

const follow = (page, name) => act(page, () => page.getByRole('link', { name, exact: true }).click());

// until WHAT FN: polls FN (true when done) for up to 20 s.
async function until(what, fn) {
  const deadline = Date.now() + 20000;
  for (;;) {
    if (await fn()) return;
    assert.ok(Date.now() < deadline, `${what} did not happen within 20 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The Standard Webhooks signature, worked out here from the secret the page showed.
function signedWith(secret, request) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const h = request.headers;
  const mac = crypto.createHmac('sha256', key)
    .update(`${h['webhook-id']}.${h['webhook-timestamp']}.${request.body}`).digest('base64');
  return h['webhook-signature'].split(' ').includes(`v1,${mac}`);
}

// signInAfresh PAGE EMAIL: signs in with a link e-mailed after this call began. For Hana, whom
// console.test.js signs in too: her earlier e-mails are not this process's to skip.
async function signInAfresh(page, email) {
  const dir = process.env.BROWSER_MAIL_DIR;
  const listed = () => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : []);
  const old = new Set(listed());
  await askForLink(page, email);
  let link = null;
  await until(`a sign-in e-mail to ${email}`, () => {
    for (const f of listed().filter((name) => !old.has(name))) {
      const text = readMail(path.join(dir, f));
      const header = text.split(/\r?\n\r?\n/)[0];
      const m = text.match(LINK);
      if (m && new RegExp(`^To:.*${email.replace('.', '\\.')}`, 'mi').test(header)) link = m[0];
    }
    return link !== null;
  });
  await go(page, link);
  await act(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

const api = (key) => fetch(`${BASE}/api/v1/events`, { headers: { authorization: `Bearer ${key}` } });

let webhookPath = '';

test('an organiser makes an API key by keyboard alone, sees it once, and revokes it', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, IAN, {}, problems);
    await act(page, () => page.getByRole('link', { name: 'Integrations', exact: true }).click());
    assert.match(await mainText(page), /API keys.*Webhooks.*Contacts export/);
    await checkPage(page, 'console: integrations', problems);
    await go(page, KEYS);
    assert.match(await mainText(page), /There are no keys in use\./);
    await checkPage(page, 'console: API keys, none', problems);

    // By keyboard: the link, an empty form, a name without a scope, then a scope.
    await page.getByRole('link', { name: 'Make a new key' }).focus();
    await act(page, () => page.keyboard.press('Enter'));
    assert.ok(page.url().endsWith(`${KEYS}/new`), page.url());
    await checkPage(page, 'console: new API key', problems);
    await page.getByRole('button', { name: 'Make the key' }).focus();
    await act(page, () => page.keyboard.press('Enter'));
    let text = await errorState(page, 'console: new API key, empty', ['name', 'scopes-1'], problems);
    assert.match(text, /Enter a name for the key/);
    assert.match(text, /Select at least one thing the key can do/);
    await page.locator('#name').focus();
    await page.keyboard.type('Mailchimp sync');
    await act(page, () => page.keyboard.press('Enter'));
    text = await errorState(page, 'console: new API key, no scope', ['scopes-1'], problems);
    assert.equal(await page.locator('#name').inputValue(), 'Mailchimp sync', 'the name is kept');
    await page.locator('#scopes-1').focus(); // Read events
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Make the key' }).focus();
    await act(page, () => page.keyboard.press('Enter'));
    assert.equal(page.last.status, 200);
    assert.ok(page.url().endsWith(`${KEYS}/new`), `the key is the POST's answer: ${page.url()}`);
    text = await mainText(page);
    assert.match(text, /Copy it now\. It will not be shown again\./);
    assert.match(text, /Made .*, by Ian Integrations/);
    const key = (await page.locator('#api-key').innerText()).trim();
    assert.match(key, /^evk_[A-Za-z0-9_-]{43}$/);
    await checkPage(page, 'console: API key made', problems);

    // The key works against the API at once.
    const listed = await api(key);
    assert.equal(listed.status, 200, await listed.text());

    // Never again: the list names it and its maker, not the key.
    await follow(page, 'I have copied the key');
    text = await mainText(page);
    assert.match(text, /Mailchimp sync Read events .*, by Ian Integrations/);
    assert.ok(!page.last.body.includes(key), 'the list shows the key');
    await checkPage(page, 'console: API keys', problems);

    // Revoke, after "Are you sure?".
    await follow(page, 'Revoke Mailchimp sync');
    assert.match(await mainText(page), /Are you sure you want to revoke Mailchimp sync\?/);
    await checkPage(page, 'console: revoke an API key', problems);
    await click(page, 'Yes, revoke the key');
    text = await mainText(page);
    assert.match(text, /The key was revoked/);
    assert.match(text, /Revoked keys/);
    assert.match(text, /, by Ian Integrations .*, by Ian Integrations/, 'made and revoked by Ian');
    assert.match(text, /There are no keys in use\./);
    await checkPage(page, 'console: API keys, one revoked', problems);
    const refused = await api(key);
    assert.equal(refused.status, 401, 'a revoked key is refused');
  });
});

test('an organiser adds a webhook, tests it, rotates its secret and replays a dead letter', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, IAN);
    await go(page, WEBHOOKS);
    assert.match(await mainText(page), /There are no webhooks\./);
    await checkPage(page, 'console: webhooks, none', problems);
    await follow(page, 'Add a webhook');
    await checkPage(page, 'console: add a webhook', problems);
    await click(page, 'Add the webhook');
    let text = await errorState(page, 'console: add a webhook, empty', ['url', 'events-1'], problems);
    assert.match(text, /Enter the web address of the receiver/);
    assert.match(text, /Select at least one thing to send/);
    await page.fill('#url', 'ftp://hooks.example.org/in');
    await page.check('#events-3'); // Registrations
    await click(page, 'Add the webhook');
    text = await errorState(page, 'console: add a webhook, not https', ['url'], problems);
    assert.match(text, /The web address must start with https:\/\//);
    assert.ok(await page.locator('#events-3').isChecked(), 'the ticked box is kept');
    // One the service refuses: a private address.
    await page.fill('#url', 'https://10.0.0.5/in');
    await click(page, 'Add the webhook');
    text = await errorState(page, 'console: add a webhook, refused', ['url'], problems);
    assert.match(text, /This was refused: url .*not a public address|This was refused: url/);

    await page.fill('#url', receiver.url);
    await page.fill('#description', 'Our CRM');
    await page.uncheck('#events-3');
    await page.check('#events-1'); // Everything
    await click(page, 'Add the webhook');
    assert.equal(page.last.status, 200);
    assert.ok(page.url().endsWith(`${WEBHOOKS}/new`), page.url());
    assert.match(await mainText(page), /Copy it now\. It will not be shown again\./);
    const secret = (await page.locator('#secret').innerText()).trim();
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]{40,}$/);
    await checkPage(page, 'console: webhook added, its secret', problems);
    await follow(page, 'I have copied the secret');
    webhookPath = new URL(page.url()).pathname;
    assert.match(webhookPath, /^\/manage\/integrations\/webhooks\/wh_[A-Za-z0-9]+$/);
    assert.ok(!page.last.body.includes(secret), 'the webhook page shows the secret');
    text = await mainText(page);
    assert.match(text, /Nothing has been sent yet/);
    assert.match(text, /What it is sent Everything/);
    await checkPage(page, 'console: a webhook', problems);

    // A test, signed with that secret, and seen in the deliveries.
    await click(page, 'Send a test message');
    assert.match(await mainText(page), /A test message is on its way/);
    await checkPage(page, 'console: a webhook, test sent', problems);
    await until('the test delivery', () => receiver.got.some((r) => r.status === 200));
    const first = receiver.got.find((r) => r.status === 200);
    assert.equal(JSON.parse(first.body).type, 'webhook.test');
    assert.ok(signedWith(secret, first), 'the test is signed with the secret shown');
    await until('the delivery on the page', async () => {
      await go(page, webhookPath);
      return /webhook\.test Delivered 1 200/.test(await mainText(page));
    });
    await checkPage(page, 'console: a webhook, delivered', problems);

    // A new secret, after "Are you sure?": shown once, and the next test is signed with it.
    await follow(page, 'Make a new signing secret');
    await checkPage(page, 'console: new signing secret?', problems);
    await click(page, 'Yes, make a new secret');
    assert.match(await mainText(page), /The old secret stopped working at once/);
    const rotated = (await page.locator('#secret').innerText()).trim();
    assert.notEqual(rotated, secret);
    await checkPage(page, 'console: new signing secret', problems);
    await follow(page, 'I have copied the secret');
    const before = receiver.got.length;
    await click(page, 'Send a test message');
    await until('the second test', () => receiver.got.length > before);
    assert.ok(signedWith(rotated, receiver.got[before]), 'signed with the new secret');
    assert.ok(!signedWith(secret, receiver.got[before]), 'not with the old one');

    // A receiver that keeps failing: every try fails, and the message becomes a dead letter.
    receiver.failing = true;
    const failedFrom = receiver.got.length;
    await click(page, 'Send a test message');
    await until('a dead letter', async () => {
      await go(page, webhookPath);
      return /Messages that were not delivered .*webhook\.test 11 500/.test(await mainText(page));
    });
    const failedId = receiver.got[failedFrom].headers['webhook-id'];
    const failed = receiver.got.slice(failedFrom).filter((r) => r.headers['webhook-id'] === failedId);
    assert.equal(failed.length, 11, 'eleven tries');
    text = await mainText(page);
    assert.match(text, /Failed, gave up/);
    assert.match(text, /Failed, will try again/);
    await checkPage(page, 'console: a webhook with a dead letter', problems);

    // Replayed after "Are you sure?", once the receiver works: same webhook-id.
    receiver.failing = false;
    await act(page, () => page.getByRole('link', { name: /^Send again: webhook\.test/ }).click());
    assert.match(await mainText(page), /Are you sure you want to send this message again\?/);
    await checkPage(page, 'console: send a dead letter again?', problems);
    await click(page, 'Yes, send it again');
    assert.match(await mainText(page), /The messages will be sent again/);
    await until('the replay', () => receiver.got.some((r) => r.status === 200 &&
                                                            r.headers['webhook-id'] === failedId));
    await go(page, webhookPath);
    assert.match(await mainText(page), /Messages that were not delivered .* There are none\./);

    // Change: nothing ticked is an error; then registrations only, and off.
    await page.uncheck('#events-1');
    await click(page, 'Save the changes');
    await errorState(page, 'console: change a webhook, no events', ['events-1'], problems);
    await page.check('#events-3');
    await page.check('#enabled-no');
    await click(page, 'Save the changes');
    text = await mainText(page);
    assert.match(text, /The webhook was changed\./);
    assert.match(text, /What it is sent Registrations Status Off/);
  });
});

test("another organisation gets 404 for the webhook; a viewer is refused by the server", async () => {
  assert.ok(webhookPath, 'the webhook test made no webhook');
  await withPage(async (page, problems) => {
    await signInAfresh(page, HANA);
    for (const path of [webhookPath, `${webhookPath}/rotate-secret`, `${webhookPath}/delete`]) {
      await go(page, path);
      assert.equal(page.last.status, 404, path);
    }
    await checkPage(page, 'console: webhook of another organisation', problems);
    await go(page, WEBHOOKS);
    assert.doesNotMatch(await mainText(page), /127\.0\.0\.1/);
  });
  await withPage(async (page, problems) => {
    await signIn(page, IVY);
    assert.equal(await page.getByRole('link', { name: 'Integrations', exact: true }).count(), 0);
    await go(page, KEYS);
    assert.equal(page.last.status, 403);
    assert.match(await mainText(page), /You cannot do this/);
    await checkPage(page, 'console: integrations refused to a viewer', problems);
    // A form with a valid CSRF token (from her account page): the server still refuses.
    await go(page, '/manage/account');
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    for (const [path, form] of [
      [`${KEYS}/new`, { csrf, name: 'Ivy key', scopes: 'events:read' }],
      [`${WEBHOOKS}/new`, { csrf, url: 'https://hooks.example.org/in', events: '*' }],
      [`${webhookPath}/test`, { csrf }],
      [`${webhookPath}/delete`, { csrf }],
    ]) {
      const answer = await page.request.post(path, { form, maxRedirects: 0 });
      assert.equal(answer.status(), 403, `${path}: ${answer.status()}`);
    }
  });
});

test('an organiser downloads the contacts who agreed to hear from them, and deletes the webhook', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, IAN);
    await go(page, '/manage/integrations/contacts');
    assert.match(await mainText(page), /Only people who ticked the box to hear from you/);
    await checkPage(page, 'console: contacts export', problems);
    let csv = '';
    await until('the contact in the export', async () => {
      const answer = await page.request.get('/manage/integrations/contacts/download');
      assert.equal(answer.status(), 200);
      const headers = answer.headers();
      assert.match(headers['content-disposition'], /^attachment; filename="[A-Za-z0-9._-]+"$/);
      assert.match(headers['cache-control'], /no-store/);
      assert.match(headers['content-type'], /^text\/csv/);
      csv = await answer.text();
      return csv.includes(CONTACT);
    });
    assert.equal(csv.split('\r\n')[0], 'email,first_name,last_name,tags');
    assert.doesNotMatch(csv, /sam@example\.org/, 'only people who agreed');

    await go(page, webhookPath);
    await follow(page, 'Delete this webhook');
    assert.match(await mainText(page), /Are you sure you want to delete this webhook\?/);
    await checkPage(page, 'console: delete a webhook?', problems);
    await click(page, 'Yes, delete the webhook');
    assert.match(await mainText(page), /The webhook was deleted/);
    await checkPage(page, 'console: webhooks, one deleted', problems);
    await go(page, webhookPath);
    assert.equal(page.last.status, 404);
  });
});
