// The organiser console in a real browser (Debian's Chromium), against the stack that
// tests/browser/console_run.sh starts. People sign in as people do: they ask for a link, read
// the e-mail (here: the mail sink's folder), open it in the same browser, and give a code from
// their authenticator app (computed here from the key the setup page shows, RFC 6238). Every
// page state also gets checkPage: axe-core (WCAG 2.2 AA), html-validate, 320 px reflow.
'use strict';

const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, go, act, checkPage, screenshot, mainText, checked } = require('./lib.js');
const { waitForMail, LINK, totp, stepNow, freshCode, askForLink, signIn, withPage: withPageIn } =
  require('./console_lib.js');

const EVENT_TITLE = process.env.BROWSER_EVENT_TITLE;
const EVENT_ID = process.env.BROWSER_EVENT;
const ALEX = 'alex@riverside.example';
const HANA = 'hana@hilltop.example';
const RENEW_CODES = 'Get new recovery codes';

const test = (name, fn) => nodeTest(name, { timeout: 90000 }, fn);

let browser;
const withPage = (body) => withPageIn(browser, body);
before(async () => {
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  console.log(`axe-core, html-validate, 320 px reflow and text spacing checked ${checked.size} page states:\n  ` +
              [...checked].join('\n  '));
});

const alex = { secret: '', codes: [] };

test('an organiser signs in with the e-mailed link and sets up an authenticator app', async () => {
  await withPage(async (page, problems) => {
    // The console sends people who are not signed in to the sign-in page.
    await go(page, '/manage');
    assert.ok(page.url().endsWith('/manage/sign-in'), page.url());
    // An empty form: the GOV.UK error pattern.
    await act(page, () => page.getByRole('button', { name: 'Send me a link' }).click());
    assert.match(await page.title(), /^Error: /);
    assert.match(await mainText(page), /Enter your email address/);
    await checkPage(page, 'console: sign in with an error', problems);
    // The first organiser was invited by eventctl admin bootstrap: the invitation says where
    // to sign in, and carries no secret.
    const invitation = await waitForMail(ALEX, /\/manage\/sign-in\b/);
    assert.doesNotMatch(invitation.text, LINK, 'the invitation carries a sign-in token');

    const text = await signIn(page, ALEX, {}, problems);
    assert.match(text, /Overview/);
    assert.match(text, new RegExp(EVENT_TITLE));
    assert.match(await page.locator('header').innerText(), /Alex Organiser/);
    // An access coordinator without an app is told how to open access requests.
    assert.match(text, /set up an authenticator app/i);
    await checkPage(page, 'console: overview', problems);

    await go(page, '/manage/account');
    await checkPage(page, 'console: your account', problems);
    await act(page, () => page.getByRole('button', { name: 'Set up an authenticator app' }).click());
    await checkPage(page, 'console: set up an app', problems);
    alex.secret = (await page.locator('.secret-box').innerText()).replace(/\s+/g, '');
    assert.match(alex.secret, /^[A-Z2-7]{16,}$/);
    // A wrong code is an error at the field, and the key is shown again.
    const wrong = totp(alex.secret, stepNow() + 100);
    await page.fill('#code', wrong);
    await act(page, () => page.getByRole('button', { name: 'Continue' }).click());
    assert.match(await mainText(page), /That code did not work/);
    await checkPage(page, 'console: set up an app, wrong code', problems);
    await page.fill('#code', await freshCode(alex.secret));
    await act(page, () => page.getByRole('button', { name: 'Continue' }).click());
    assert.match(await mainText(page), /Your recovery codes/);
    await checkPage(page, 'console: recovery codes', problems);
    alex.codes = await page.locator('.codes-list li').allInnerTexts();
    assert.equal(alex.codes.length, 10);
    // This session gave a second factor: the access requests section is there.
    await go(page, '/manage');
    assert.match(await mainText(page), /Access requests/);
    await checkPage(page, 'console: overview with access requests', problems);
    await screenshot(page, 'console-overview');
    // Renewing the recovery codes needs a code from the app: a wrong one is an error there.
    await go(page, '/manage/account');
    await page.fill('#code', totp(alex.secret, stepNow() + 100));
    await act(page, () => page.getByRole('button', { name: RENEW_CODES }).click());
    assert.equal(page.last.status, 200);
    assert.match(await page.title(), /^Error: /);
    assert.match(await mainText(page), /That code did not work/);
    await checkPage(page, 'console: your account, wrong code', problems);
  });
});

test('signing in again asks for the code; a recovery code works once', async () => {
  assert.ok(alex.secret, 'the first test set up the app');
  await withPage(async (page, problems) => {
    const text = await signIn(page, ALEX, { recovery: alex.codes[0] }, problems);
    assert.match(text, /Overview/);
  });
  await withPage(async (page, problems) => {
    await askForLink(page, ALEX);
    const mail = await waitForMail(ALEX, LINK);
    await go(page, mail.match[0]);
    await act(page, () => page.getByRole('button', { name: 'Sign in' }).click());
    await go(page, '/manage/sign-in/code?recovery=yes');
    await page.fill('#recovery_code', alex.codes[0]);
    await act(page, () => page.getByRole('button', { name: 'Continue' }).click());
    assert.match(await mainText(page), /That recovery code did not work/);
    await checkPage(page, 'console: recovery code refused', problems);
    // The app's code still works in the same session.
    await page.goto('/manage/sign-in/code');
    await page.fill('#code', await freshCode(alex.secret));
    await act(page, () => page.getByRole('button', { name: 'Continue' }).click());
    assert.match(await mainText(page), /Overview/);
  });
});

test('a link works once, and only in the browser that asked for it', async () => {
  await withPage(async (page, problems) => {
    await askForLink(page, ALEX);
    const mail = await waitForMail(ALEX, LINK);
    // Another browser (a fresh context has none of this one's cookies).
    const other = await newPage(browser);
    try {
      await go(other, mail.match[0]);
      await act(other, () => other.getByRole('button', { name: 'Sign in' }).click());
      assert.equal(other.last.status, 400);
      assert.match(await mainText(other), /different browser/);
      await checkPage(other, 'console: link from another browser', problems);
    } finally {
      await other.context().close();
    }
    await go(page, mail.match[0]);
    await act(page, () => page.getByRole('button', { name: 'Sign in' }).click());
    assert.ok(page.url().endsWith('/manage/sign-in/code'), page.url());
    // The same link again: used.
    const again = await newPage(browser);
    try {
      await again.context().addCookies(await page.context().cookies());
      await go(again, mail.match[0]);
      await act(again, () => again.getByRole('button', { name: 'Sign in' }).click());
      assert.match(await mainText(again), /used already|different browser/);
    } finally {
      await again.context().close();
    }
  });
});

// memberId PAGE NAME: the member id in the members page's link for NAME.
async function memberId(page, name) {
  await go(page, '/manage/members');
  const href = await page.getByRole('link', { name }).getAttribute('href');
  return href.split('/').pop();
}

test('an organiser invites a viewer and a coordinator; the viewer can change nothing', async () => {
  assert.ok(alex.secret);
  await withPage(async (page, problems) => {
    await signIn(page, ALEX, { secret: alex.secret });
    await go(page, '/manage/members');
    await checkPage(page, 'console: members', problems);
    await act(page, () => page.getByRole('link', { name: 'Invite a person' }).click());
    await checkPage(page, 'console: invite', problems);
    await act(page, () => page.getByRole('button', { name: 'Send the invitation' }).click());
    assert.match(await mainText(page), /Enter their name/);
    assert.match(await mainText(page), /Select at least one role/);
    await checkPage(page, 'console: invite with errors', problems);
    await page.fill('#name', 'Vic Viewer');
    await page.fill('#email', 'vic@riverside.example');
    await page.check('#roles-viewer');
    await page.check('#roles-organiser');
    await act(page, () => page.getByRole('button', { name: 'Send the invitation' }).click());
    assert.match(await mainText(page), /cannot also be an organiser/);
    await page.uncheck('#roles-organiser');
    await page.uncheck('#roles-access_coordinator');
    await act(page, () => page.getByRole('button', { name: 'Send the invitation' }).click());
    assert.match(await mainText(page), /We have e-mailed an invitation/);
    await go(page, '/manage/members/invite');
    await page.fill('#name', 'Cora Coordinator');
    await page.fill('#email', 'cora@riverside.example');
    await page.check('#roles-access_coordinator');
    await act(page, () => page.getByRole('button', { name: 'Send the invitation' }).click());
    assert.match(await mainText(page), /Cora Coordinator/);
    const vic = await memberId(page, 'Vic Viewer');
    await go(page, `/manage/members/${vic}`);
    await checkPage(page, 'console: a member', problems);
    await go(page, `/manage/members/${vic}/remove`);
    assert.match(await mainText(page), /Remove Vic Viewer\?/);
    await checkPage(page, 'console: remove a member?', problems);
    await go(page, '/manage/audit');
    assert.match(await mainText(page), /Alex Organiser/);
    assert.match(await mainText(page), /Vic Viewer/);
    await checkPage(page, 'console: people audit', problems);
  });
  const invitation = await waitForMail('vic@riverside.example', /Alex Organiser/);
  assert.doesNotMatch(invitation.text, LINK);
  await withPage(async (page, problems) => {
    const text = await signIn(page, 'vic@riverside.example');
    assert.match(text, new RegExp(EVENT_TITLE), 'a viewer sees the events');
    await go(page, '/manage/members');
    assert.equal(await page.getByRole('link', { name: 'Invite a person' }).count(), 0);
    // The page does not offer it, and the server refuses it too.
    await go(page, '/manage/members/invite');
    await page.fill('#name', 'Mallory');
    await page.fill('#email', 'mallory@example.org');
    await page.check('#roles-organiser');
    await act(page, () => page.getByRole('button', { name: 'Send the invitation' }).click());
    assert.equal(page.last.status, 403);
    assert.match(await mainText(page), /You cannot do this/);
    await checkPage(page, 'console: refused', problems);
  });
  await withPage(async (page) => {
    const text = await signIn(page, 'cora@riverside.example');
    assert.match(text, /To open access requests, set up an authenticator app/);
  });
});

test('a viewer is refused every change by the server, not only by the pages', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, 'vic@riverside.example');
    // The pages offer a viewer no change...
    await go(page, `/manage/events/${EVENT_ID}`);
    assert.equal(page.last.status, 200);
    assert.equal(await page.locator('main form').count(), 0, 'a viewer is offered a form on the event page');
    await act(page, () => page.getByRole('link', { name: 'Feedback survey and report' }).click());
    assert.equal(page.last.status, 200, 'the event page links to its feedback, which a viewer reads');
    await go(page, `/manage/events/${EVENT_ID}/registration-settings`);
    assert.equal(page.last.status, 200);
    assert.equal(await page.locator('main form').count(), 0, 'a viewer is offered a settings form');
    await checkPage(page, 'console: registration settings read by a viewer', problems);
    // ...and the services refuse what a forged form asks, although its CSRF token is valid.
    await go(page, '/manage/account');
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const forged = [
      [`/manage/events/${EVENT_ID}/cancel`, { csrf, version: '1', reason: 'Forged by a viewer' }],
      [`/manage/events/${EVENT_ID}/registration-settings/capacity`, { csrf, capacity: '30' }],
      [`/manage/events/${EVENT_ID}/registration-settings/approval`,
       { csrf, version: '0', approval_form: 'yes', requires_approval: 'yes' }],
      ['/manage/integrations/keys/new', { csrf, name: 'Forged', scopes: 'events:read' }],
    ];
    for (const [url, form] of forged) {
      const refused = await page.request.post(url, { form, maxRedirects: 0 });
      assert.equal(refused.status(), 403, `${url} answered ${refused.status()}`);
      assert.match(await refused.text(), /You cannot do this/, url);
    }
    // Nothing changed: the event is still published with its places.
    await go(page, `/manage/events/${EVENT_ID}`);
    assert.doesNotMatch(await mainText(page), /Cancelled|Forged/);
  });
});

test("another organisation's member sees none of it", async () => {
  let alexId;
  await withPage(async (page) => {
    // Recovery codes here and below: each app code works once, so a second sign-in within
    // 30 s would wait for the next one.
    await signIn(page, ALEX, { recovery: alex.codes[1] });
    alexId = await memberId(page, 'Alex Organiser');
  });
  await withPage(async (page, problems) => {
    const text = await signIn(page, HANA);
    assert.doesNotMatch(text, new RegExp(EVENT_TITLE));
    await go(page, '/manage/members');
    assert.doesNotMatch(await mainText(page), /Alex Organiser/);
    await go(page, `/manage/members/${alexId}`);
    assert.equal(page.last.status, 404);
    // Hana is her organisation's only organiser: she cannot give the role up.
    await go(page, `/manage/members/${await memberId(page, 'Hana Other')}`);
    await page.uncheck('#roles-organiser');
    await page.uncheck('#roles-access_coordinator');
    await page.check('#roles-viewer');
    await act(page, () => page.getByRole('button', { name: 'Save changes' }).click());
    assert.match(await page.title(), /^Error: /);
    assert.match(await mainText(page), /Your organisation must have at least one organiser/);
    await checkPage(page, 'console: the last organiser', problems);
  });
});

test('a form without its CSRF token is refused; signing out everywhere ends every session', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, ALEX, { recovery: alex.codes[2] });
    const forged = await page.request.post('/manage/members/invite', {
      form: { name: 'Forged', email: 'forged@example.org', roles: 'organiser' },
      maxRedirects: 0,
    });
    assert.equal(forged.status(), 403);
    const second = await newPage(browser);
    try {
      await signIn(second, ALEX, { recovery: alex.codes[3] });
      await go(page, '/manage/account');
      await act(page, () => page.getByRole('button', { name: 'Sign out everywhere' }).click());
      assert.match(await mainText(page), /signed out of the organiser console on every device/);
      await checkPage(page, 'console: signed out everywhere', problems);
      await go(second, '/manage');
      assert.ok(second.url().includes('/manage/sign-in'), second.url());
      assert.match(await mainText(second), /You have been signed out/);
      await checkPage(second, 'console: session ended', problems);
    } finally {
      await second.context().close();
    }
  });
});
