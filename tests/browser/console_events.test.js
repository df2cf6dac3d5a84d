// The console's events pages in a real browser (Debian's Chromium), against the stack that
// tests/browser/console_run.sh starts, signed in as Evan Events (an organiser): the list and
// its filter, creating a draft by keyboard alone, every error state of the event form
// (including a time the clocks skip and one they show twice, on real 2027 UK dates),
// publishing, a version conflict between two pages, rescheduling and cancelling with a
// reason (the attendee's e-mails arrive), and the public page showing each change. Every
// page state gets checkPage: axe-core (WCAG 2.2 AA), html-validate, 320 px reflow.
'use strict';

const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, go, act, checkPage, mainText, checked } = require('./lib.js');
const { waitForMail, signIn } = require('./console_lib.js');

const EVAN = 'evan@riverside.example';
const EVENT_TITLE = process.env.BROWSER_EVENT_TITLE;
// console_run.sh's block for this file: a published event with one sign-up (Pat).
const MOVING_TITLE = process.env.BROWSER_EVENTS_MOVING_TITLE;
const PAT = 'pat@example.org';

const test = (name, fn) => nodeTest(name, { timeout: 120000 }, fn);

let browser;
// One browser context signed in as Evan, shared by the tests: sign-in links are limited per
// address, and each test opens its own page in it.
let evan;
before(async () => {
  browser = await launch();
  const page = await newPage(browser);
  await signIn(page, EVAN);
  evan = page.context();
  await page.close();
});
async function withPage(body) {
  const page = await evan.newPage();
  page.setDefaultTimeout(15000);
  page.last = null;
  const problems = [];
  try {
    await body(page, problems);
  } finally {
    await page.close();
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
}
after(async () => {
  if (browser) await browser.close();
  console.log(`axe-core, html-validate, 320 px reflow and text spacing checked ${checked.size} page states:\n  ` +
              [...checked].join('\n  '));
});

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
// A date DAYS from today: { form: "27/3/2027", text: "27 March 2027" }.
function dayFromNow(days) {
  const d = new Date(Date.now() + days * 86400000);
  return { form: `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()}`,
    text: `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}` };
}

// type PAGE SELECTOR TEXT: focus a field and type into it, as a keyboard user does.
async function type(page, selector, text) {
  await page.locator(selector).focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  if (text) await page.keyboard.type(text);
}

async function fill(page, fields) {
  for (const [selector, value] of Object.entries(fields)) await page.fill(selector, value);
}

async function save(page, name) {
  await act(page, () => page.getByRole('button', { name }).click());
}

// The error summary's messages, and each field's own message.
async function errors(page) {
  return page.locator('.error-summary__list li').allInnerTexts();
}
async function fieldError(page, id) {
  return (await page.locator(`#${id}-error`).innerText()).replace(/^Error:\s*/, '');
}

let draftUrl = '';

test('the events list: upcoming first, with places taken, and a filter by status', async () => {
  await withPage(async (page, problems) => {
    await go(page, '/manage');
    assert.match(await mainText(page), /Overview/);
    assert.match(await page.locator('nav').first().innerText(), /Events/);
    await act(page, () => page.getByRole('link', { name: 'Events', exact: true }).click());
    assert.ok(page.url().endsWith('/manage/events'), page.url());
    const list = await mainText(page);
    assert.match(list, /Upcoming events/);
    const row = page.locator('tr', { hasText: EVENT_TITLE });
    assert.match(await row.innerText(), /Published/);
    assert.match(await row.innerText(), /1 of 40/);
    assert.match(await row.innerText(), /UK time/);
    await checkPage(page, 'console: events', problems);
    // The filter is a GET form: it works without JavaScript and keeps its choice in the URL.
    await page.selectOption('#status', 'cancelled');
    await act(page, () => page.getByRole('button', { name: 'Show' }).click());
    assert.match(page.url(), /\/manage\/events\?status=cancelled$/);
    assert.doesNotMatch(await mainText(page), new RegExp(EVENT_TITLE));
    await checkPage(page, 'console: events, filtered', problems);
    await page.selectOption('#status', 'published');
    await act(page, () => page.getByRole('button', { name: 'Show' }).click());
    assert.match(await mainText(page), new RegExp(EVENT_TITLE));
  });
});

test('create a draft by keyboard alone, through every error state of the form', async () => {
  await withPage(async (page, problems) => {
    await go(page, '/manage/events');
    await page.getByRole('link', { name: 'Create an event' }).focus();
    await act(page, () => page.keyboard.press('Enter'));
    assert.ok(page.url().endsWith('/manage/events/new'), page.url());
    assert.equal(await page.locator('#time_zone').inputValue(), 'Europe/London');
    assert.equal(await page.locator('#time_zone option').first().innerText(), 'UK time (Europe/London)');
    await checkPage(page, 'console: create an event', problems);

    // Nothing filled in: each required field says what to enter.
    await page.getByRole('button', { name: 'Save as a draft' }).focus();
    await act(page, () => page.keyboard.press('Enter'));
    assert.match(await page.title(), /^Error: /);
    assert.deepEqual(await errors(page), [
      "Enter the event's title",
      'Choose whether the event is online, in person or hybrid',
      'Enter the date of the event',
      'Enter the start time',
      'Enter the end time',
      'Enter how many people can come',
    ]);
    await checkPage(page, 'console: create an event, empty', problems);
    // The summary's links go to the fields.
    await page.locator('.error-summary a', { hasText: 'Choose whether' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#format-online');

    // Everything in the wrong shape.
    await type(page, '#title', 'Peer support: managing fatigue');
    await page.locator('#format-online').focus();
    await page.keyboard.press('Space');
    await type(page, '#date', '31/2/2027');
    await type(page, '#start_time', '25:00');
    await type(page, '#end_time', 'soon');
    await type(page, '#capacity', 'lots');
    await type(page, '#join_link', 'http://meet.example.org/fatigue');
    await type(page, '#contact_email', 'not an address');
    await type(page, '#contact_phone', 'call the office');
    await type(page, '#request_deadline_days', '99');
    await act(page, () => page.keyboard.press('Enter'));
    assert.deepEqual(await errors(page), [
      'Enter the date as day, month and year, for example 27/3/2027',
      'Enter the start time like 10:00 or 2:30pm',
      'Enter the end time like 11:30 or 4pm',
      'Enter a whole number of places from 1 to 100,000',
      'Enter the join link as a web address starting with https://',
      "Enter the contact's email address in the right format, like name@example.org",
      'Enter a phone number of up to 32 digits, spaces and + - ( )',
      'Enter a whole number of days from 0 to 90',
    ]);
    // What was typed stays, so it can be corrected.
    assert.equal(await page.locator('#title').inputValue(), 'Peer support: managing fatigue');
    assert.equal(await page.locator('#date').inputValue(), '31/2/2027');
    assert.ok(await page.locator('#format-online').isChecked());
    await checkPage(page, 'console: create an event, wrong formats', problems);

    // In person: a venue is needed, a join link is not; and the end is before the start.
    const later = dayFromNow(60);
    await page.locator('#format-in_person').focus();
    await page.keyboard.press('Space');
    await type(page, '#date', later.form);
    await type(page, '#start_time', '2pm');
    await type(page, '#end_time', '1:30pm');
    await type(page, '#capacity', '25');
    await type(page, '#join_link', 'https://meet.example.org/fatigue');
    await type(page, '#contact_email', 'evan@riverside.example');
    await type(page, '#contact_phone', '+44 (0)20 7946 0000');
    await type(page, '#request_deadline_days', '7');
    await act(page, () => page.keyboard.press('Enter'));
    assert.deepEqual(await errors(page), [
      'The end time must be after the start time',
      "Enter the venue's name",
      "Enter the venue's address",
      'An in-person event has no join link: remove it, or choose hybrid',
    ]);
    await checkPage(page, 'console: create an event, venue missing', problems);

    // Online with a venue, and a date that has passed.
    await page.locator('#format-online').focus();
    await page.keyboard.press('Space');
    await type(page, '#date', '1/2/2026');
    await type(page, '#end_time', '3:30pm');
    await type(page, '#venue_name', 'Riverside Community Hall');
    await act(page, () => page.locator('#capacity').focus().then(() => page.keyboard.press('Enter')));
    assert.deepEqual(await errors(page), [
      'The date and start time must be in the future',
      'An online event has no venue: remove the venue, or choose in person or hybrid',
    ]);
    await checkPage(page, 'console: create an event, in the past', problems);

    // 28 March 2027: UK clocks go forward at 1am, so 1:30am does not exist.
    await type(page, '#venue_name', '');
    await type(page, '#date', '28/3/2027');
    await type(page, '#start_time', '1:30am');
    await type(page, '#end_time', '3:00');
    await act(page, () => page.locator('#capacity').focus().then(() => page.keyboard.press('Enter')));
    const gap = '1:30am on 28 March 2027 does not exist in UK time: the clocks go forward. Choose another time.';
    assert.deepEqual(await errors(page), [gap]);
    assert.equal(await fieldError(page, 'start_time'), gap);
    await checkPage(page, 'console: create an event, a time that does not exist', problems);

    // 31 October 2027: UK clocks go back at 2am, so 1:30am happens twice.
    await type(page, '#date', '31/10/2027');
    await type(page, '#start_time', '1:30am');
    await type(page, '#end_time', '2:30am');
    await act(page, () => page.locator('#capacity').focus().then(() => page.keyboard.press('Enter')));
    const twice = '1:30am on 31 October 2027 happens twice in UK time: the clocks go back. ' +
      'Choose another time, or tick the box to use the first 1:30am.';
    assert.deepEqual(await errors(page), [twice]);
    assert.equal(await fieldError(page, 'start_time'), twice);
    await checkPage(page, 'console: create an event, a time that happens twice', problems);
    // Another time clears it; a real date 60 days on, by keyboard to the end.
    await type(page, '#date', later.form);
    await type(page, '#start_time', '10:00');
    await type(page, '#end_time', '11:30am');
    await type(page, '#description', 'An hour and a half to share what helps.');
    await page.locator('#need_live_captions').focus();
    await page.keyboard.press('ArrowDown'); // "Always provided"
    await act(page, () => page.locator('#capacity').focus().then(() => page.keyboard.press('Enter')));
    assert.match(await mainText(page), /saved as a draft/);
    assert.match(page.url(), /\/manage\/events\/[^/]+\?created=yes$/);
    draftUrl = page.url().replace(/\?.*$/, '');
    const text = await mainText(page);
    assert.match(text, /Draft/);
    assert.match(text, new RegExp(`${later.text}, 10am to 11:30am`));
    assert.match(text, /UK time/);
    assert.match(text, /Live captions by a person \(CART\): Always provided/);
    await checkPage(page, 'console: a draft event', problems);
  });
});

test('a time the clocks show twice is kept as the first of the two when the box is ticked', async () => {
  await withPage(async (page, problems) => {
    await go(page, '/manage/events/new');
    await fill(page, { '#title': 'Late night listening line', '#date': '31/10/2027',
      '#start_time': '1:30am', '#end_time': '2:30am', '#capacity': '10',
      '#join_link': 'https://meet.example.org/late' });
    await page.check('#format-online');
    await save(page, 'Save as a draft');
    assert.match(await fieldError(page, 'start_time'), /happens twice in UK time/);
    await page.check('#repeated_ok');
    await save(page, 'Save as a draft');
    assert.match(await mainText(page), /saved as a draft/);
    // The first 1:30am is still summer time; the event then lasts two hours of real time.
    assert.match(await mainText(page), /31 October 2027, 1:30am to 2:30am/);
    await checkPage(page, 'console: a draft in the repeated hour', problems);
  });
});

test('a weekly series: each date a draft of its own', async () => {
  await withPage(async (page, problems) => {
    await go(page, '/manage/events/new');
    const first = dayFromNow(70);
    await fill(page, { '#title': 'Weekly walk and talk', '#date': first.form,
      '#start_time': '11:00', '#end_time': '12:00', '#capacity': '15',
      '#venue_name': 'Riverside Park gates', '#venue_address': 'Park Road, Riverside' });
    await page.check('#format-in_person');
    await page.check('#repeat-weekly');
    await save(page, 'Save as a draft');
    assert.deepEqual(await errors(page), ['Enter how many times it happens in all, from 2 to 104']);
    assert.ok(await page.locator('#repeat-weekly').isChecked());
    await checkPage(page, 'console: create a series, no count', problems);
    await page.fill('#repeat_count', '3');
    await save(page, 'Save as a draft');
    assert.match(page.url(), /\/manage\/events\?status=draft&series=3$/);
    assert.match(await mainText(page), /A series of 3 draft events was made/);
    const rows = page.locator('tr', { hasText: 'Weekly walk and talk' });
    assert.equal(await rows.count(), 3);
    assert.match(await rows.first().innerText(), new RegExp(`${first.text}, 11am to midday`));
    await checkPage(page, 'console: a series made', problems);
  });
});

test('publish the draft; the public page shows it', async () => {
  await withPage(async (page, problems) => {
    await go(page, draftUrl);
    await save(page, 'Publish');
    assert.match(await mainText(page), /The event is published/);
    assert.match(await page.locator('.tag').first().innerText(), /Published/);
    await checkPage(page, 'console: a published event', problems);
    await act(page, () => page.getByRole('link', { name: "The event's public page" }).click());
    assert.match(await mainText(page), /Peer support: managing fatigue/);
  });
});

test('two pages change the same event: the second is told someone else changed it', async () => {
  await withPage(async (page, problems) => {
    const other = await page.context().newPage();
    other.last = null;
    try {
      await go(page, `${draftUrl}/edit`);
      await go(other, `${draftUrl}/edit`);
      // A published event's time changes by rescheduling, not here.
      assert.match(await mainText(page), /Reschedule the event/);
      assert.equal(await page.locator('#date').count(), 0);
      await checkPage(page, 'console: change a published event', problems);
      await page.fill('#title', 'Peer support: living with fatigue');
      await save(page, 'Save changes');
      assert.match(await mainText(page), /Your changes were saved/);

      await other.fill('#capacity', '30');
      await save(other, 'Save changes');
      assert.match(await other.title(), /^Error: /);
      assert.match(await other.locator('#conflict').innerText(),
                   /Someone else changed this event while you were looking/);
      // Their own change is still there; the form now carries the current version.
      assert.equal(await other.locator('#capacity').inputValue(), '30');
      await checkPage(other, 'console: change an event, someone else changed it', problems);
      await other.fill('#title', 'Peer support: living with fatigue');
      await save(other, 'Save changes');
      assert.match(await mainText(other), /Your changes were saved/);
    } finally {
      await other.close();
    }
  });
});

test('reschedule with a reason: the attendee is told, and the public page shows the new time', async () => {
  await withPage(async (page, problems) => {
    await go(page, '/manage/events');
    await act(page, () => page.getByRole('link', { name: MOVING_TITLE }).click());
    const eventUrl = page.url();
    const id = eventUrl.split('/').pop();
    await act(page, () => page.getByRole('link', { name: 'Reschedule the event' }).click());
    await checkPage(page, 'console: reschedule', problems);
    const moved = dayFromNow(45);
    await fill(page, { '#date': moved.form, '#start_time': '2pm', '#end_time': '3:30pm', '#reason': '' });
    await save(page, 'Reschedule');
    assert.deepEqual(await errors(page), ['Enter a reason, for the people who signed up']);
    await checkPage(page, 'console: reschedule, no reason', problems);
    // The spring gap again, on the reschedule form.
    await fill(page, { '#date': '28/3/2027', '#start_time': '1:15am', '#end_time': '2:30am',
      '#reason': 'The hall is being repainted that week.' });
    await save(page, 'Reschedule');
    assert.match(await fieldError(page, 'start_time'), /1:15am on 28 March 2027 does not exist in UK time/);
    await checkPage(page, 'console: reschedule, a time that does not exist', problems);
    await fill(page, { '#date': moved.form, '#start_time': '2pm', '#end_time': '3:30pm' });
    await save(page, 'Reschedule');
    assert.match(await mainText(page), /The event was rescheduled/);
    assert.match(await mainText(page), new RegExp(`${moved.text}, 2pm to 3:30pm`));
    const mail = await waitForMail(PAT, /has moved/);
    assert.match(mail.text, /The hall is being repainted that week\./);
    await go(page, `/events/${id}`);
    assert.match(await mainText(page), new RegExp(`${moved.text}, 2pm to 3:30pm`));
  });
});

test('cancel with a reason after "Are you sure?": the attendee is told, the public page says so', async () => {
  await withPage(async (page, problems) => {
    await go(page, '/manage/events');
    await act(page, () => page.getByRole('link', { name: MOVING_TITLE }).click());
    const id = page.url().split('/').pop();
    await act(page, () => page.getByRole('link', { name: 'Cancel the event' }).click());
    assert.match(await mainText(page), new RegExp(`Are you sure you want to cancel ${MOVING_TITLE}\\?`));
    await checkPage(page, 'console: cancel an event', problems);
    await save(page, 'Yes, cancel the event');
    assert.deepEqual(await errors(page), ['Enter a reason, for the people who signed up']);
    await checkPage(page, 'console: cancel an event, no reason', problems);
    await page.fill('#reason', 'Too few volunteers to run it safely.');
    await save(page, 'Yes, cancel the event');
    const text = await mainText(page);
    assert.match(text, /The event was cancelled/);
    assert.match(text, /Cancelled: Too few volunteers to run it safely\./);
    assert.doesNotMatch(text, /Reschedule the event|Cancel the event|Change the details/);
    await checkPage(page, 'console: a cancelled event', problems);
    const mail = await waitForMail(PAT, /is cancelled/);
    assert.match(mail.text, /Too few volunteers to run it safely\./);
    await go(page, `/events/${id}`);
    assert.match(await mainText(page), /cancelled/i);
    assert.match(await mainText(page), /Too few volunteers to run it safely\./);
    // The list's filter finds it.
    await go(page, '/manage/events?status=cancelled');
    assert.match(await mainText(page), new RegExp(MOVING_TITLE));
  });
});

test('the agenda: sessions with facilitators, one a co-facilitator with lived experience', async () => {
  await withPage(async (page, problems) => {
    await go(page, `${draftUrl}/agenda`);
    await checkPage(page, 'console: agenda', problems);
    await fill(page, { '#s0_title': 'Welcome', '#s0_start': '10:00', '#s0_end': '9:00' });
    await save(page, 'Save the agenda');
    assert.deepEqual(await errors(page), ['The end time must be after the start time']);
    await checkPage(page, 'console: agenda, end before start', problems);
    await fill(page, { '#s0_end': '10:15', '#s0_f0_name': 'Evan Events',
      '#s1_title': 'What helps with fatigue', '#s1_start': '10:15', '#s1_end': '12:00',
      '#s1_f0_name': 'Jo Peer' });
    await page.check('#s1_f0_lived');
    await save(page, 'Save the agenda');
    assert.deepEqual(await errors(page), ['The session must be inside the event, 10am to 11:30am']);
    await page.fill('#s1_end', '11:30');
    await save(page, 'Save the agenda');
    const text = await mainText(page);
    assert.match(text, /The agenda was saved/);
    assert.match(text, /Jo Peer \(co-facilitator with lived experience\)/);
    await checkPage(page, 'console: an event with an agenda', problems);
  });
});
