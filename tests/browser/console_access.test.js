// The console's access desk in a real browser (Debian's Chromium), against the stack that
// tests/browser/console_run.sh starts, signed in as Ada Access (an access coordinator). Her
// event ("Accessible gardening workshop", made in console_run.sh) has five attendees who asked
// for support when they signed up. She sets up her authenticator app, signs in again with a
// code, filters the desk, opens requests (each view is audited) and moves them on (by keyboard
// alone for list -> request -> move), books a provision that fulfils two requests at once,
// sees the at-risk list, and finds her own name in the audit log and in a request's history.
// Otto Organiser (no coordinator role) is refused by the server; Vic Valley, a coordinator of
// another organisation, finds no trace of Ada's requests (404). Every page state gets
// checkPage (axe-core, html-validate, 320 px reflow, text spacing).
'use strict';

const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, go, act, checkPage, screenshot, mainText, checked } = require('./lib.js');
const { signIn, freshCode, withPage: withPageIn, errorState, click } = require('./console_lib.js');

const EVENT = process.env.BROWSER_ACCESS_EVENT;
const TITLE = process.env.BROWSER_ACCESS_EVENT_TITLE;
const ADA = 'ada@riverside.example';
const OTTO = 'otto@riverside.example';
const VIC = 'vic@valley.example';
const DESK = `/manage/access?event=${EVENT}`;
const PROVISIONS = `/manage/access/events/${EVENT}/provisions`;

const test = (name, fn) => nodeTest(name, { timeout: 120000 }, fn);

let browser;
const withPage = (body) => withPageIn(browser, body);
before(async () => {
  assert.ok(EVENT, 'BROWSER_ACCESS_EVENT is not set: run through tests/browser/console_run.sh');
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  console.log(`axe-core, html-validate, 320 px reflow and text spacing checked ${checked.size} page states:\n  ` +
              [...checked].join('\n  '));
});


// tabTo PAGE MATCH: presses Tab until the focused element's text matches MATCH (a regular
// expression), as a keyboard user moves through the page. Fails after 150 presses.
async function tabTo(page, match) {
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => (document.activeElement ? document.activeElement.innerText || '' : ''));
    if (match.test(text.replace(/\s+/g, ' '))) return;
  }
  throw new Error(`Tab never reached ${match}`);
}

// The request id of the row naming WHO on the desk's list.
async function requestIdOf(page, who) {
  const href = await page.getByRole('link', { name: new RegExp(`^${who}`) }).first().getAttribute('href');
  const m = href.match(/\/manage\/access\/requests\/([^/?]+)$/);
  assert.ok(m, `no request link for ${who}: ${href}`);
  return m[1];
}

// postWithToken PAGE ACTION FIELDS: a form posted from PAGE (which carries a valid CSRF
// token in its own forms) to ACTION, as a browser posts it: what a person could send by
// hand when the page does not offer the button.
async function postWithToken(page, action, fields) {
  const csrf = await page.locator('input[name="csrf"]').first().inputValue();
  assert.ok(csrf, 'the page carries no CSRF token');
  return act(page, () => page.evaluate(({ action, fields }) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = action;
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
  }, { action, fields: { csrf, ...fields } }));
}

// setUpApp PAGE: the authenticator app on /manage/account; returns its key.
async function setUpApp(page, name, problems) {
  await go(page, '/manage/account');
  await act(page, () => page.getByRole('button', { name: 'Set up an authenticator app' }).click());
  const secret = (await page.locator('.secret-box').innerText()).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{16,}$/, `${name}: the key`);
  await page.fill('#code', await freshCode(secret));
  await act(page, () => page.getByRole('button', { name: 'Continue' }).click());
  assert.match(await mainText(page), /Your recovery codes/, `${name}: ${await mainText(page)}`);
  return secret;
}

const ada = { secret: '', ids: {}, cookies: [] };

// asAda PAGE: Ada's session of the second test (signed in with a code), in PAGE's browser:
// each code works once, so the later tests do not sign in again.
async function asAda(page) {
  assert.ok(ada.cookies.length, 'the second test signed Ada in');
  await page.context().addCookies(ada.cookies);
}

test('an access coordinator without a second factor is told to set up an app, and does', async () => {
  await withPage(async (page, problems) => {
    const text = await signIn(page, ADA);
    assert.match(text, /To open access requests, set up an authenticator app/);
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Access requests' }).count(), 1);
    await go(page, DESK);
    assert.equal(page.last.status, 200);
    assert.match(await mainText(page), /Set up an authenticator app first/);
    await checkPage(page, 'access: set up an app first', problems);
    ada.secret = await setUpApp(page, 'Ada', problems);
  });
});

test('with a code, she filters the desk and moves a request on by keyboard alone', async () => {
  assert.ok(ada.secret, 'the first test set up the app');
  await withPage(async (page, problems) => {
    await signIn(page, ADA, { secret: ada.secret });
    ada.cookies = await page.context().cookies();
    await go(page, '/manage/access');
    assert.equal(page.last.status, 200);
    await checkPage(page, 'access: the desk', problems);
    // Filter by the event and by status, with the page's own form.
    await page.selectOption('#event', EVENT);
    await page.selectOption('#status', 'submitted');
    await click(page, 'Show requests');
    let text = await mainText(page);
    assert.match(text, new RegExp(TITLE));
    for (const who of ['Bea Signer', 'Cal Signer', 'Dee Quiet', 'Eve Loop', 'Fay Breaks']) {
      assert.match(text, new RegExp(who), `${who} is on the desk`);
      ada.ids[who] = await requestIdOf(page, who);
    }
    // Needs in words, the deadline in days, soonest first.
    assert.match(text, /British Sign Language|BSL/);
    assert.match(text, /\d+ days? late/);
    assert.match(text, /In \d+ days?/);
    const order = await page.locator('tbody tr td:first-child').allInnerTexts();
    const at = (who) => order.findIndex((t) => t.startsWith(who));
    assert.ok(at('Cal Signer') < at('Eve Loop') && at('Eve Loop') < at('Dee Quiet') &&
              at('Dee Quiet') < at('Fay Breaks'), `soonest first: ${order}`);
    await checkPage(page, 'access: the desk, filtered', problems);
    // The screenshot starts at the event's heading: its counts, then the requests.
    await page.getByRole('heading', { name: TITLE, level: 2 }).evaluate((h) => h.scrollIntoView());
    await screenshot(page, 'console-access-desk');
    await go(page, `${DESK}&status=fulfilled`);
    assert.match(await mainText(page), /No requests match/);
    await checkPage(page, 'access: the desk, none match', problems);

    // The keyboard journey: the list, Dee's request, and its moves.
    await go(page, DESK);
    await tabTo(page, /^Dee Quiet/);
    await act(page, () => page.keyboard.press('Enter'));
    assert.match(page.url(), new RegExp(`/manage/access/requests/${ada.ids['Dee Quiet']}$`));
    text = await mainText(page);
    assert.match(text, /Your viewing this is recorded/);
    assert.match(text, /Please get in touch about what I need/);
    assert.match(text, /at the address they signed up with/);
    await checkPage(page, 'access: a request', problems);
    for (const [button, done, status] of [
      ['Acknowledge it', /The request is acknowledged/, 'Acknowledged'],
      ['Mark as in progress', /marked as in progress/, 'In progress'],
      ['Mark as fulfilled', /marked as fulfilled/, 'Fulfilled'],
    ]) {
      await tabTo(page, new RegExp(`^${button}$`));
      await act(page, () => page.keyboard.press('Enter'));
      text = await mainText(page);
      assert.match(text, done, text);
      assert.match(text, new RegExp(`Status ${status}`), text);
    }
    await checkPage(page, 'access: a request, fulfilled', problems);
    assert.match(text, /Nothing more can be done with this request/);
    // The history names her.
    const history = await page.locator('table').last().innerText();
    assert.equal((history.match(/Ada Access/g) || []).length, 3, history);
    assert.match(history, /The attendee/);
  });
});

test('"cannot be fulfilled" needs a reason, and a stale form changes nothing', async () => {
  await withPage(async (page, problems) => {
    await asAda(page);
    await go(page, `/manage/access/requests/${ada.ids['Fay Breaks']}`);
    await click(page, 'Say it cannot be fulfilled');
    let text = await errorState(page, 'access: cannot be fulfilled, no reason', ['reason'], problems);
    assert.match(text, /Enter why it cannot be fulfilled/);
    await page.fill('#reason', 'The room has no space for breaks out.');
    await page.fill('#offered', 'A seat by the door, so you can step out at any time.');
    await click(page, 'Say it cannot be fulfilled');
    text = await mainText(page);
    assert.match(text, /cannot be fulfilled/);
    assert.match(text, /The room has no space for breaks out/);
    assert.match(text, /A seat by the door/);
    await checkPage(page, 'access: cannot be fulfilled', problems);
    // A form of an older version (a colleague moved it meanwhile): nothing changes.
    await postWithToken(page, `/manage/access/requests/${ada.ids['Fay Breaks']}/transition`,
                        { to: 'in-progress', version: '1' });
    assert.equal(page.last.status, 200);
    assert.match(await mainText(page), /Someone else changed this request/);
    await checkPage(page, 'access: a request changed meanwhile', problems);
  });
});

test('a provision fulfils two requests at once', async () => {
  await withPage(async (page, problems) => {
    await asAda(page);
    await go(page, PROVISIONS);
    assert.equal(page.last.status, 200);
    assert.match(await mainText(page), /No provisions are booked/);
    await checkPage(page, 'access: provisions, none', problems);
    await click(page, 'Add the provision');
    await errorState(page, 'access: add a provision, empty', ['need', 'description'], problems);
    await page.selectOption('#need', 'bsl_interpreter');
    await page.fill('#description', 'BSL interpreters booked for the whole event');
    await click(page, 'Add the provision');
    let text = await mainText(page);
    assert.match(text, /The provision was added/);
    assert.match(text, /BSL interpreters booked for the whole event/);
    await checkPage(page, 'access: provisions, one booked', problems);
    // Nothing chosen: an error at the first box.
    await click(page, 'Fulfil the chosen requests');
    const first = await page.locator('input[name="request"]').first().getAttribute('id');
    await errorState(page, 'access: fulfil, nothing chosen', [first], problems);
    await page.getByLabel('Bea Signer').check();
    await page.getByLabel('Cal Signer').check();
    await click(page, 'Fulfil the chosen requests');
    text = await mainText(page);
    assert.match(text, /2 requests were updated with the provision/);
    await checkPage(page, 'access: provisions, fulfilled', problems);
    // Cal asked only for BSL: fulfilled. Bea asked for large print too: in progress.
    await go(page, `/manage/access/requests/${ada.ids['Cal Signer']}`);
    assert.match(await mainText(page), /Status Fulfilled/);
    await go(page, `/manage/access/requests/${ada.ids['Bea Signer']}`);
    assert.match(await mainText(page), /Status In progress/);
  });
});

test('the at-risk list and the audit log, with her name', async () => {
  await withPage(async (page, problems) => {
    await asAda(page);
    // The at-risk job of Eve's request (due tomorrow) fires on the worker's next tick.
    const deadline = Date.now() + 20000;
    for (;;) {
      await go(page, '/manage/access/at-risk');
      if ((await mainText(page)).includes('Eve Loop')) break;
      assert.ok(Date.now() < deadline, `Eve's request never showed as at risk: ${await mainText(page)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const text = await mainText(page);
    assert.match(text, /less than 2 days away|has passed/);
    assert.doesNotMatch(text, /Cal Signer/, 'a fulfilled request is no longer at risk');
    await checkPage(page, 'access: at risk', problems);

    await go(page, '/manage/access/audit');
    const audit = await page.locator('tbody').innerText();
    assert.match(audit, /Ada Access/);
    assert.match(audit, /Opened the request/);
    assert.match(audit, /Listed an event's requests/);
    assert.match(audit, /Fulfilled requests with a provision/);
    assert.match(audit, new RegExp(ada.ids['Dee Quiet']));
    assert.doesNotMatch(audit, /mem_/, 'no member ids where names belong');
    await checkPage(page, 'access: audit log', problems);
  });
});

test('an organiser without the coordinator role is refused by the server', async () => {
  assert.ok(ada.ids['Dee Quiet'], 'the desk test found the requests');
  await withPage(async (page, problems) => {
    await signIn(page, OTTO);
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Access requests' }).count(), 0);
    await go(page, '/manage/access');
    assert.equal(page.last.status, 403);
    assert.match(await mainText(page), /You cannot do this/);
    await checkPage(page, 'access: refused', problems);
    await go(page, `/manage/access/requests/${ada.ids['Dee Quiet']}`);
    assert.equal(page.last.status, 403);
    await go(page, '/manage/account');
    await postWithToken(page, `/manage/access/requests/${ada.ids['Eve Loop']}/transition`,
                        { to: 'acknowledged', version: '1' });
    assert.equal(page.last.status, 403);
    await go(page, '/manage/account');
    await postWithToken(page, PROVISIONS, { need: 'hearing_loop', description: 'A loop' });
    assert.equal(page.last.status, 403);
  });
});

test("another organisation's coordinator finds none of it (404)", async () => {
  assert.ok(ada.ids['Dee Quiet'], 'the desk test found the requests');
  await withPage(async (page, problems) => {
    await signIn(page, VIC);
    const secret = await setUpApp(page, 'Vic', problems);
    await page.context().clearCookies();
    await signIn(page, VIC, { secret });
    await go(page, '/manage/access');
    assert.equal(page.last.status, 200);
    assert.doesNotMatch(await mainText(page), new RegExp(TITLE));
    for (const path of [`/manage/access/requests/${ada.ids['Dee Quiet']}`, DESK, PROVISIONS]) {
      await go(page, path);
      assert.equal(page.last.status, 404, path);
    }
    await checkPage(page, 'access: not found', problems);
    await go(page, '/manage/access/audit');
    assert.doesNotMatch(await mainText(page), /Ada Access/);
    await go(page, '/manage/account');
    await postWithToken(page, `/manage/access/requests/${ada.ids['Eve Loop']}/transition`,
                        { to: 'acknowledged', version: '1' });
    assert.equal(page.last.status, 404);
  });
});
