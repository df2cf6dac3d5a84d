// The attendees' pages in a real browser (Debian's Chromium), against the stack that
// tests/browser/run.sh starts. Every page state the tests reach also gets checkPage: axe-core
// (WCAG 2.2 AA tags, 0 violations), 320 px reflow, html-validate, no missing message.
// The tests run in this order: the waiting-list test fills the queue that the cancelling
// test then moves on.
'use strict';

const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, go, act, checkPage, screenshot, mainText, checked } = require('./lib.js');

const OPEN = process.env.BROWSER_OPEN_EVENT;
const FULL = process.env.BROWSER_FULL_EVENT;
const POOL = process.env.BROWSER_POOL_EVENT;
const APPROVAL = process.env.BROWSER_APPROVAL_EVENT;
const HOLDER_TOKEN = process.env.BROWSER_FULL_HOLDER_TOKEN;
const OPEN_TITLE = 'Living well with long-term conditions';

// Every test has a deadline, so a page that never answers fails the test, not the run.
const test = (name, fn) => nodeTest(name, { timeout: 60000 }, fn);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  console.log(`axe-core, html-validate, 320 px reflow and text spacing checked ${checked.size} page states:\n  ` +
              [...checked].join('\n  '));
});

// Runs BODY with a fresh page and a list of problems that must end up empty.
async function withPage(options, body) {
  const page = await newPage(browser, options);
  const problems = [];
  try {
    await body(page, problems);
  } finally {
    await page.context().close();
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
}

// --- Keyboard only -----------------------------------------------------------------------

// What has the focus, and whether it shows: an outline of 2 px or more that is not
// transparent, a box shadow, or the yellow focus background.
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body' };
    const s = getComputedStyle(el);
    const transparent = /rgba\(.*, 0\)$|transparent/.test(s.outlineColor);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && !transparent;
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute('name') || '',
      type: el.getAttribute('type') || '',
      value: el.value || '',
      text: (el.innerText || '').trim(),
      href: el.getAttribute('href') || '',
      inMain: !!el.closest('main'),
      visible: outline || s.boxShadow !== 'none' || s.backgroundColor === 'rgb(255, 221, 0)',
    };
  });
}

// tabTo PAGE WHAT MATCH: presses Tab until the focused element matches; every element the
// focus passes on the way must show it.
async function tabTo(page, what, match) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag !== 'body') {
      assert.ok(f.visible, `the focus on <${f.tag} id="${f.id}"> ${f.text} is not visible`);
    }
    if (match(f)) return f;
  }
  throw new Error(`Tab never reached ${what} on ${page.url()}`);
}

// press PAGE KEY: a key that submits a form or follows a link, and the page it loads.
function press(page, key) {
  return act(page, () => page.keyboard.press(key));
}

test('the whole journey by keyboard alone', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, '/');
    await checkPage(page, 'upcoming events', problems);
    await screenshot(page, 'events');

    // The skip link is the first stop, and takes the focus to the main content.
    const skip = await tabTo(page, 'the skip link', () => true);
    assert.equal(skip.text, 'Skip to main content');
    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'main', 'the skip link did not move the focus to <main>');
    const next = await tabTo(page, 'anything', () => true);
    assert.ok(next.inMain, 'after the skip link, Tab did not go on inside <main>');

    await tabTo(page, 'the event', (f) => f.tag === 'a' && f.text === OPEN_TITLE);
    await press(page, 'Enter');
    assert.match(page.url(), new RegExp(`/events/${OPEN}$`));
    await checkPage(page, 'event page', problems);
    const about = await mainText(page);
    assert.match(about, /UK time/, 'the zone is not named');
    assert.match(about, /Live captions/);
    assert.match(about, /Jo Rivers/);
    assert.match(about, /lived experience/i, 'the co-facilitator role is not shown');
    assert.doesNotMatch(about, /meet\.example\.org/, 'the join link shows on the public page');
    // Empty optional parts (a provision's note, a speaker's bio) leave no separator behind.
    assert.doesNotMatch(page.last.body, /: <\/li>|<br><\/(li|dd|p)>/, 'a separator before nothing');
    await screenshot(page, 'event');

    await tabTo(page, 'Sign up', (f) => f.tag === 'a' && f.href.endsWith('/register'));
    await press(page, 'Enter');
    await checkPage(page, 'sign-up form', problems);

    await tabTo(page, 'the name field', (f) => f.id === 'name');
    await page.keyboard.type('Kim Keyboard');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).id, 'email', 'the e-mail field does not follow the name');
    await page.keyboard.type('kim.keyboard@example.org');
    await tabTo(page, 'how you take part', (f) => f.name === 'participation');
    await page.keyboard.press('Space');
    const support = await tabTo(page, 'do you need anything', (f) => f.name === 'support');
    if (support.value !== 'yes') await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Space');
    assert.equal((await focused(page)).value, 'yes');
    await tabTo(page, 'Continue', (f) => f.tag === 'button' && f.text === 'Continue');
    await press(page, 'Enter');

    assert.match(await page.title(), /^What you need to take part/);
    await checkPage(page, 'access step', problems);
    await tabTo(page, 'a need', (f) => f.name === 'needs' && f.value === 'live_captions');
    await page.keyboard.press('Space');
    await tabTo(page, 'details', (f) => f.id === 'details');
    await page.keyboard.type('Captions in English, please.');
    await tabTo(page, 'how to contact', (f) => f.name === 'contact_method');
    await page.keyboard.press('Space');
    await tabTo(page, 'consent', (f) => f.id === 'consent');
    await page.keyboard.press('Space');
    await tabTo(page, 'Continue', (f) => f.tag === 'button' && f.text === 'Continue');
    await press(page, 'Enter');

    assert.match(await page.title(), /^Check your answers/);
    const answers = await mainText(page);
    assert.match(answers, /Kim Keyboard/);
    assert.match(answers, /Live captions/);
    await checkPage(page, 'check your answers', problems);
    await screenshot(page, 'check-answers');
    await tabTo(page, 'Sign up', (f) => f.tag === 'button' && f.text === 'Sign up');
    await press(page, 'Enter');

    const done = await mainText(page);
    assert.match(done, /You have a place\./);
    assert.match(done, /We have your access needs/);
    const link = await page.locator('.personal-link a').innerText();
    assert.match(link, /^http:\/\/localhost:\d+\/manage\/\S+$/);
    await checkPage(page, 'confirmation', problems);
    await screenshot(page, 'confirmation');

    await tabTo(page, 'the personal link', (f) => f.tag === 'a' && f.text === link);
    await press(page, 'Enter');
    const manage = await mainText(page);
    assert.match(manage, /You have a place\./);
    assert.match(manage, /https:\/\/meet\.example\.org\/living-well/, 'no join link when confirmed');
    assert.match(manage, /Live captions/, 'the access request is not on the manage page');
    await checkPage(page, 'manage (confirmed, with a request)', problems);
    await screenshot(page, 'manage');
  });
});

// --- Without JavaScript --------------------------------------------------------------------

// signUp PAGE EVENT FIELDS: fills the details form with the mouse and sends it.
async function fillDetails(page, { name, email, support = 'no', participation = true }) {
  if (name !== undefined) await page.fill('#name', name);
  if (email !== undefined) await page.fill('#email', email);
  if (participation) await page.check('input[name="participation"] >> nth=0');
  if (support) await page.check(`input[name="support"][value="${support}"]`);
  return act(page, () => page.click('button:text-is("Continue")'));
}

// fillAccess PAGE OPTIONS: the access needs form (sign-up step 2, or the manage page's).
async function fillAccess(page, { need = 'bsl_interpreter', consent = true, button = 'Continue' } = {}) {
  if (need) await page.check(`input[name="needs"][value="${need}"]`);
  await page.check('input[name="contact_method"] >> nth=0');
  if (consent && await page.locator('#consent').count()) await page.check('#consent');
  return act(page, () => page.click(`button:text-is("${button}")`));
}

async function sendSignUp(page) {
  await act(page, () => page.click('button:text-is("Sign up")'));
  const link = await page.locator('.personal-link a').innerText();
  return new URL(link).pathname;
}

test('the same journey with JavaScript turned off', async () => {
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await go(page, '/');
    await act(page, () => page.click(`a:text-is("${OPEN_TITLE}")`));
    await act(page, () => page.click('a[href$="/register"]'));
    await fillDetails(page, { name: 'Noor Nojs', email: 'noor.nojs@example.org', support: 'yes' });
    assert.match(await page.title(), /^What you need to take part/);
    await fillAccess(page, { need: 'easy_read' });
    assert.match(await page.title(), /^Check your answers/);
    assert.match(await mainText(page), /Easy-read/);
    const manage = await sendSignUp(page);
    assert.match(await mainText(page), /You have a place\./);
    await go(page, manage);
    const text = await mainText(page);
    assert.match(text, /You have a place\./);
    assert.match(text, /https:\/\/meet\.example\.org\/living-well/);
    assert.match(text, /Easy-read/);
    // No checkPage here: axe-core runs as a script in the page, which this context forbids.
    // These pages are the same HTML as in the keyboard journey, where they are checked.
  });
});

// --- Every validation error ----------------------------------------------------------------

// errorState PAGE NAME FIELDS PROBLEMS: the page shows the GOV.UK error pattern for FIELDS:
// "Error: " in the title, a summary whose links point at each field, and inline messages.
async function errorState(page, name, fields, problems) {
  assert.match(await page.title(), /^Error: /, `${name}: the title does not start with "Error: "`);
  const links = await page.locator('.error-summary a').evaluateAll(
    (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links.map((h) => h.replace(/^#/, '')).sort(), [...fields].sort(),
                   `${name}: the error summary links`);
  for (const href of links) {
    assert.equal(await page.locator(href.replace(/^#/, '#')).count(), 1,
                 `${name}: the summary link ${href} points at nothing`);
  }
  assert.equal(await page.locator('.error-message').count(), fields.length,
               `${name}: inline error messages`);
  await checkPage(page, name, problems);
}

test('every validation error of the sign-up journey', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/events/${OPEN}/register`);
    await act(page, () => page.click('button:text-is("Continue")'));
    await errorState(page, 'sign-up form, empty', ['name', 'email', 'participation', 'support'],
                     problems);
    await screenshot(page, 'sign-up-errors');

    await fillDetails(page, { name: 'Bea Bad', email: 'not-an-email', support: 'no' });
    await errorState(page, 'sign-up form, bad e-mail', ['email'], problems);
    assert.match(await page.locator('.error-message').innerText(), /email/i);

    await fillDetails(page, { email: 'bea.bad@example.org', support: 'yes', participation: false });
    assert.match(await page.title(), /^What you need to take part/);
    await act(page, () => page.click('button:text-is("Continue")'));
    const noNeed = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(noNeed.length >= 2, `access step, nothing chosen: ${noNeed.join(' ')}`);
    await errorState(page, 'access step, no need and no consent',
                     noNeed.map((h) => h.slice(1)), problems);

    await fillAccess(page, { need: 'large_print', consent: false });
    const noConsent = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(noConsent, ['#consent']);
    await errorState(page, 'access step, no consent', ['consent'], problems);

    await fillAccess(page, { need: '', consent: true });
    assert.match(await page.title(), /^Check your answers/, 'the need chosen before was lost');
  });
});

// --- A full event, reserved places, a companion --------------------------------------------

let waitingManage = ''; // the manage page of the first person on the full event's waiting list

test('a full event puts the next person on the waiting list, with their position', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/events/${FULL}`);
    assert.match(await mainText(page), /All places are taken/);
    await checkPage(page, 'event page, full', problems);
    await act(page, () => page.click('a:text-is("Join the waiting list")'));
    await fillDetails(page, { name: 'Wren Waiting', email: 'wren.waiting@example.org' });
    waitingManage = await sendSignUp(page);
    assert.match(await mainText(page), /You are on the waiting list\. You are number 1\./);
    await checkPage(page, 'confirmation, waiting list', problems);
    await go(page, waitingManage);
    const text = await mainText(page);
    assert.match(text, /You are on the waiting list\. You are number 1\./);
    assert.doesNotMatch(text, /meet\.example\.org/, 'a join link while on the waiting list');
    await checkPage(page, 'manage, waiting list', problems);
  });
});

test('a reserved place, a companion place and a required question', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/events/${POOL}`);
    assert.match(await mainText(page), /Step-free entrance/);
    await checkPage(page, 'event page, in person', problems);
    await act(page, () => page.click('a[href$="/register"]'));
    await checkPage(page, 'sign-up form with places set aside and questions', problems);

    await fillDetails(page, { name: 'Cal Companion', email: 'cal.companion@example.org' });
    const ids = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.equal(ids.length, 1, `only the required question is missing: ${ids.join(' ')}`);
    assert.match(await page.locator('.error-summary').innerText(), /How did you hear/);
    await errorState(page, 'sign-up form, required question', [ids[0].slice(1)], problems);

    await page.check('input[name="pool"][value="lived_experience"]');
    await page.check('#companion');
    await page.getByLabel('Newsletter').check();
    await page.fill('textarea[name="q-diet"]', 'Vegetarian');
    await act(page, () => page.click('button:text-is("Continue")'));
    assert.match(await page.title(), /^Check your answers/);
    const answers = await mainText(page);
    assert.match(answers, /People with lived experience/);
    assert.match(answers, /Newsletter/);
    assert.match(answers, /Vegetarian/);
    assert.match(answers, /carer or personal assistant/i);
    await checkPage(page, 'check your answers, places set aside', problems);
    const manage = await sendSignUp(page);
    assert.match(await mainText(page), /You have a place\./);
    await go(page, manage);
    assert.match(await mainText(page), /You have a place\./);
  });
});

test('an event the organiser approves: the sign-up waits for their decision', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/events/${APPROVAL}`);
    await act(page, () => page.click('a[href$="/register"]'));
    await fillDetails(page, { name: 'Ola Approval', email: 'ola.approval@example.org' });
    const manage = await sendSignUp(page);
    assert.match(await mainText(page), /The organiser is checking your sign-up\./);
    await checkPage(page, 'confirmation, awaiting approval', problems);
    await go(page, manage);
    const text = await mainText(page);
    assert.match(text, /The organiser is checking your sign-up\./);
    assert.doesNotMatch(text, /meet\.example\.org/, 'a join link before the organiser approved');
    await checkPage(page, 'manage, awaiting approval', problems);
  });
});

test('a form sent without its cookie is "this form has expired"', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/events/${OPEN}/register`);
    await page.context().clearCookies();
    await fillDetails(page, { name: 'Cookie Less', email: 'cookie.less@example.org' });
    assert.equal(page.last.status, 403);
    assert.match(await mainText(page), /This form has expired/);
    await checkPage(page, 'form expired', problems);
  });
});

// --- The manage page -----------------------------------------------------------------------

test('an access request made, changed and withdrawn from the manage page', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/events/${OPEN}/register`);
    await fillDetails(page, { name: 'Alex Access', email: 'alex.access@example.org', support: 'no' });
    const manage = await sendSignUp(page);
    await go(page, manage);
    await checkPage(page, 'manage, no request', problems);

    await page.fill('#name', '');
    await act(page, () => page.click('button:text-is("Save changes")'));
    await errorState(page, 'manage, empty name', ['name'], problems);
    await page.fill('#name', 'Alex Access-Smith');
    await act(page, () => page.click('button:text-is("Save changes")'));
    assert.equal(await page.inputValue('#name'), 'Alex Access-Smith');
    await checkPage(page, 'manage, saved', problems);

    await act(page, () => page.click('a:text-is("Ask for access support")'));
    await checkPage(page, 'ask for access support', problems);
    await act(page, () => page.click('button:text-is("Save")'));
    const ids = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(ids.includes('#consent'), `no consent error: ${ids.join(' ')}`);
    await errorState(page, 'ask for access support, errors', ids.map((h) => h.slice(1)), problems);
    await fillAccess(page, { need: 'hearing_loop', button: 'Save' });
    let text = await mainText(page);
    assert.match(text, /Hearing loop/);

    await act(page, () => page.click('a:text-is("Change what you need")'));
    assert.ok(await page.isChecked('input[name="needs"][value="hearing_loop"]'));
    await checkPage(page, 'change access support', problems);
    await page.uncheck('input[name="needs"][value="hearing_loop"]');
    await fillAccess(page, { need: 'large_print', button: 'Save' });
    text = await mainText(page);
    assert.match(text, /Large print/);
    assert.doesNotMatch(text, /Hearing loop/);
    await checkPage(page, 'manage, request changed', problems);

    await act(page, () => page.click('a:text-is("Withdraw your request")'));
    await checkPage(page, 'withdraw, are you sure', problems);
    await act(page, () => page.click('button:text-is("Yes, withdraw my request")'));
    text = await mainText(page);
    assert.match(text, /withdr/i, 'the request is not shown as withdrawn');
    assert.equal(await page.locator('a[href$="/access/withdraw"]').count(), 0);
    await checkPage(page, 'manage, request withdrawn', problems);

    // Withdrawing deletes the details at once, so there is nothing left to erase; asking
    // again makes a new request, whose details the attendee can then delete.
    assert.equal(await page.locator('a[href$="/access/erase"]').count(), 0);
    await act(page, () => page.click('a:text-is("Ask for access support")'));
    await fillAccess(page, { need: 'step_free_access', button: 'Save' });
    assert.match(await mainText(page), /Step-free access/);
    await act(page, () => page.click('a[href$="/access/erase"]'));
    await checkPage(page, 'erase, are you sure', problems);
    await act(page, () => page.click('button:text-is("Yes, delete my details")'));
    text = await mainText(page);
    assert.match(text, /Your access details are deleted\./);
    assert.doesNotMatch(text, /Step-free access/);
    await checkPage(page, 'manage, details erased', problems);
  });
});

test('cancelling frees the place for the next person on the waiting list', async () => {
  assert.ok(waitingManage, 'the waiting-list test did not run first');
  await withPage({}, async (page, problems) => {
    await go(page, `/manage/${HOLDER_TOKEN}`);
    assert.match(await mainText(page), /You have a place\./);
    await act(page, () => page.click('a:text-is("Cancel your place")'));
    assert.match(await mainText(page), /Are you sure you want to cancel\?/);
    await checkPage(page, 'cancel, are you sure', problems);
    await act(page, () => page.click('button:text-is("Yes, cancel my place")'));
    assert.match(await mainText(page), /You cancelled this sign-up\./);
    await checkPage(page, 'manage, cancelled', problems);

    // The place goes to the next person; poll their page with a deadline.
    const deadline = Date.now() + 10000;
    let text = '';
    for (;;) {
      await go(page, waitingManage);
      text = await mainText(page);
      if (/You have a place\./.test(text) || Date.now() > deadline) break;
      await page.waitForTimeout(200);
    }
    assert.match(text, /You have a place\./, 'the next person did not get the place');
    assert.match(text, /https:\/\/meet\.example\.org\/carers/);
  });
});

// --- Lost link, the other pages ------------------------------------------------------------

test('lost link answers the same for a signed-up and an unknown e-mail', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/events/${OPEN}`);
    await act(page, () => page.click('a:text-is("Lost the link to your sign-up?")'));
    await checkPage(page, 'lost link', problems);
    await act(page, () => page.click('button:text-is("Send my link")'));
    await errorState(page, 'lost link, no e-mail', ['email'], problems);

    const answer = async (email) => {
      await go(page, `/events/${OPEN}/lost-link`);
      await page.fill('#email', email);
      await act(page, () => page.click('button:text-is("Send my link")'));
      return { title: await page.title(), text: await mainText(page), status: page.last.status };
    };
    const known = await answer('kim.keyboard@example.org');
    await checkPage(page, 'lost link, sent', problems);
    const unknown = await answer('nobody.here@example.org');
    assert.deepEqual(unknown, known);
    assert.match(known.text, /Check your email/);
  });
});

test('the other pages: statement, privacy, not found, a bad link, signing up twice', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, '/accessibility');
    await checkPage(page, 'accessibility statement', problems);
    await act(page, () => page.click('footer a:text-is("Privacy notice")'));
    await checkPage(page, 'privacy notice', problems);
    await go(page, '/no-such-page');
    assert.equal(page.last.status, 404);
    await checkPage(page, 'page not found', problems);
    await go(page, '/events/no-such-event');
    assert.equal(page.last.status, 404);
    await go(page, '/manage/not-a-real-token');
    assert.match(await mainText(page), /This link does not work/);
    await checkPage(page, 'manage, unknown link', problems);

    await go(page, `/events/${OPEN}/register`);
    await fillDetails(page, { name: 'Kim Again', email: 'kim.keyboard@example.org' });
    await act(page, () => page.click('button:text-is("Sign up")'));
    assert.match(await page.title(), /already signed up/);
    await checkPage(page, 'signed up twice', problems);
  });
});

// --- The feedback survey -------------------------------------------------------------------
// run.sh opens two surveys with eventctl feedback open-now: a named one, whose questions it
// edits so that every kind of question is required (a rating, a choice with a comment, a
// multiple choice, a free text), and an anonymous one with the default questions.

const SURVEY_KEYBOARD = process.env.BROWSER_SURVEY_KEYBOARD_TOKEN;
const SURVEY_NOJS = process.env.BROWSER_SURVEY_NOJS_TOKEN;
const SURVEY_ERRORS = process.env.BROWSER_SURVEY_ERRORS_TOKEN;
const ANON_SURVEY = process.env.BROWSER_ANON_SURVEY_TOKEN;
const REQUIRED_SURVEY_FIELDS = ['q-overall', 'q-access_needs_met', 'q-helped', 'q-mattered_most'];

// fillSurvey PAGE: answers every required question of the named survey with the mouse.
async function fillSurvey(page, { overall = '4', access = 'yes', text = 'Hearing from other carers' } = {}) {
  await page.check(`input[name="q-overall"][value="${overall}"]`);
  if (access) await page.check(`input[name="q-access_needs_met"][value="${access}"]`);
  await page.check('input[name="q-helped"] >> nth=0');
  await page.fill('#q-mattered_most', text);
}

function sendSurvey(page) {
  return act(page, () => page.click('button:text-is("Send my answers")'));
}

test('a survey answered, then changed, by keyboard alone', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/feedback/${SURVEY_KEYBOARD}`);
    assert.equal(page.last.status, 200);
    assert.match(await mainText(page), /This survey is not anonymous/);
    await checkPage(page, 'survey, named', problems);
    await screenshot(page, 'survey');

    // Tab reaches a radio group at its first radio; the arrow keys move and select.
    await tabTo(page, 'the rating', (f) => f.name === 'q-overall');
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    assert.equal((await focused(page)).value, '4');
    await tabTo(page, 'access needs met', (f) => f.name === 'q-access_needs_met');
    await page.keyboard.press('Space');
    await tabTo(page, 'the comment', (f) => f.id === 'q-access_needs_met-comment');
    await page.keyboard.type('The captions were good.');
    await tabTo(page, 'a checkbox', (f) => f.name === 'q-helped');
    await page.keyboard.press('Space');
    await tabTo(page, 'the free text', (f) => f.id === 'q-mattered_most');
    await page.keyboard.type('Hearing from people like me.');
    await tabTo(page, 'the 0-10 scale', (f) => f.name === 'q-recommend');
    await page.keyboard.press('Space');
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
    assert.equal((await focused(page)).value, '9');
    await tabTo(page, 'Send', (f) => f.tag === 'button' && f.text === 'Send my answers');
    await press(page, 'Enter');

    let text = await mainText(page);
    assert.match(text, /Thank you for your feedback/);
    assert.match(text, /We have your answers\./);
    await checkPage(page, 'survey, thank you', problems);
    await screenshot(page, 'survey-thanks');

    await tabTo(page, 'Change your answers', (f) => f.tag === 'a' && f.text === 'Change your answers');
    await press(page, 'Enter');
    assert.match(await mainText(page), /You have answered this survey already/);
    assert.ok(await page.isChecked('#q-overall-4'), 'the stored rating is not filled in');
    assert.equal(await page.inputValue('#q-mattered_most'), 'Hearing from people like me.');
    await checkPage(page, 'survey, answered before (named)', problems);
    await tabTo(page, 'Send', (f) => f.tag === 'button' && f.text === 'Send my answers');
    await press(page, 'Enter');
    text = await mainText(page);
    assert.match(text, /Your new answers have replaced the old ones\./);
    await checkPage(page, 'survey, thank you, answers replaced', problems);
  });
});

test('a survey answered with JavaScript turned off', async () => {
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await go(page, `/feedback/${SURVEY_NOJS}`);
    await sendSurvey(page);
    assert.match(await page.title(), /^Error: /);
    await fillSurvey(page, { overall: '5' });
    await sendSurvey(page);
    assert.match(await mainText(page), /We have your answers\./);
    // The same HTML as in the keyboard test, where checkPage runs (axe needs scripts).
  });
});

test('every validation error of the survey', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/feedback/${SURVEY_ERRORS}`);
    await sendSurvey(page);
    await errorState(page, 'survey, nothing answered', REQUIRED_SURVEY_FIELDS, problems);
    const summary = await page.locator('.error-summary').innerText();
    assert.match(summary, /Select an answer to "Overall, how would you rate the event\?"/);
    assert.match(summary, /Select at least one answer to/);
    assert.match(summary, /Write an answer to "What mattered most to you\?"/);
    await screenshot(page, 'survey-errors');

    // A comment without its answer, a text over its limit.
    await fillSurvey(page, { access: '', text: 'x'.repeat(1001) });
    await page.fill('#q-access_needs_met-comment', 'It was fine.');
    await sendSurvey(page);
    await errorState(page, 'survey, comment without an answer and a long text',
                     ['q-access_needs_met', 'q-mattered_most'], problems);
    assert.match(await page.locator('.error-summary').innerText(), /It has 1001 now/);
    assert.equal(await page.inputValue('#q-access_needs_met-comment'), 'It was fine.',
                 'the comment was lost');

    // A comment over its limit, characters the service refuses.
    await page.check('input[name="q-access_needs_met"][value="partly"]');
    await page.fill('#q-access_needs_met-comment', 'y'.repeat(501));
    await page.fill('#q-mattered_most', 'Good \u202Eevent');
    await sendSurvey(page);
    await errorState(page, 'survey, long comment and a bad character',
                     ['q-access_needs_met-comment', 'q-mattered_most'], problems);
    assert.match(await page.locator('.error-summary').innerText(), /cannot be used/);

    // A changed page sending an answer that is not on the list.
    await page.fill('#q-access_needs_met-comment', 'Partly: the slides came late.');
    await page.fill('#q-mattered_most', 'The small groups.');
    await page.evaluate(() => {
      const r = document.querySelector('#q-overall');
      r.value = '9';
      r.checked = true;
    });
    await sendSurvey(page);
    await errorState(page, 'survey, an answer not listed', ['q-overall'], problems);

    await page.check('input[name="q-overall"][value="3"]');
    await sendSurvey(page);
    assert.match(await mainText(page), /We have your answers\./);
  });
});

test('an anonymous survey says so, and a second visit says it was answered', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, `/feedback/${ANON_SURVEY}`);
    let text = await mainText(page);
    assert.match(text, /This survey is anonymous/);
    assert.match(text, /Nobody can find out which answers are yours/);
    assert.match(text, /you cannot change them after you send them/);
    await checkPage(page, 'survey, anonymous', problems);
    await page.check('input[name="q-overall"][value="5"]');
    await sendSurvey(page);
    text = await mainText(page);
    assert.match(text, /Thank you for your feedback/);
    assert.match(text, /Your answers are anonymous/);
    assert.equal(await page.locator('a:text-is("Change your answers")').count(), 0);
    await checkPage(page, 'survey, thank you (anonymous)', problems);

    await go(page, `/feedback/${ANON_SURVEY}`);
    assert.match(await page.title(), /^You have answered this survey/);
    assert.match(await mainText(page), /nothing links your answers to you/);
    assert.equal(await page.locator('form').count(), 0);
    await checkPage(page, 'survey, answered (anonymous)', problems);
  });
});

test('an unknown survey link is "this survey link does not work"', async () => {
  await withPage({}, async (page, problems) => {
    await go(page, '/feedback/not-a-real-token');
    assert.equal(page.last.status, 404);
    assert.match(await mainText(page), /This survey link does not work/);
    await checkPage(page, 'survey, unknown link', problems);
  });
});
