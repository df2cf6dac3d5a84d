// The console's registrations pages in a real browser (Debian's Chromium), against the stack
// that tests/browser/console_run.sh starts, signed in as Rae Registrations (an organiser). Her
// event ("Peer support evening for carers", made in console_run.sh) starts with no settings:
// she turns approval on, adds a reserved pool and a question through the pages, people sign
// up on the attendee pages, and she approves, rejects, cancels, marks attendance, uploads an
// attendance report, downloads the CSV, filters and searches. Every page state gets
// checkPage (axe-core, html-validate, 320 px reflow, text spacing).
'use strict';

const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch, go, act, checkPage, mainText, checked } = require('./lib.js');
const { signIn, waitForMail, withPage: withPageIn, errorState, click } = require('./console_lib.js');

const EVENT = process.env.BROWSER_REG_EVENT;
const TITLE = process.env.BROWSER_REG_EVENT_TITLE;
const RAE = 'rae@riverside.example';
const REGISTRATIONS_LINK = 'Registrations';
const LIST = `/manage/events/${EVENT}/registrations`;
const SETTINGS = `/manage/events/${EVENT}/registration-settings`;
const QUESTION = 'How did you hear about us?';

const test = (name, fn) => nodeTest(name, { timeout: 120000 }, fn);

let browser;
const withPage = (body) => withPageIn(browser, body);
before(async () => {
  assert.ok(EVENT, 'BROWSER_REG_EVENT is not set: run through tests/browser/console_run.sh');
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  console.log(`axe-core, html-validate, 320 px reflow and text spacing checked ${checked.size} page states:\n  ` +
              [...checked].join('\n  '));
});


// signUp NAME EMAIL: an attendee signs up on the public pages, choosing the reserved pool and
// answering the question when asked to. Waits (with a deadline) for the sign-up form to show
// the question: the web service keeps public event data for a moment (WEB_CACHE_MS).
async function signUp(name, email, { pool = false } = {}) {
  await withPage(async (page) => {
    const deadline = Date.now() + 15000;
    for (;;) {
      await go(page, `/events/${EVENT}/register`);
      if ((await mainText(page)).includes(QUESTION)) break;
      assert.ok(Date.now() < deadline, 'the sign-up form never showed the new question');
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.fill('#name', name);
    await page.fill('#email', email);
    await page.check('input[name="participation"] >> nth=0');
    if (pool) await page.check('input[name="pool"][value="lived_experience"]');
    await page.getByLabel('A charity').check();
    await page.check('input[name="support"][value="no"]');
    await act(page, () => page.click('button:text-is("Continue")'));
    assert.match(await page.title(), /^Check your answers/, await mainText(page));
    await act(page, () => page.click('button:text-is("Sign up")'));
    assert.match(await mainText(page), /The organiser is checking your sign-up\./);
  });
}

test('an organiser turns approval on, sets the capacity, adds a pool and a question, with every error', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, RAE, {}, problems);
    // The overview's event rows lead to the event's page, and it to the registrations.
    await act(page, () => page.getByRole('link', { name: TITLE }).click());
    await act(page, () => page.getByRole('link', { name: REGISTRATIONS_LINK, exact: true }).click());
    assert.ok(page.url().endsWith(LIST), page.url());
    let text = await mainText(page);
    assert.match(text, /No registrations match\./);
    assert.match(text, /Places taken\s+0 of 20/);
    await checkPage(page, 'console: registrations, none yet', problems);

    await act(page, () => page.getByRole('link', { name: 'Registration settings' }).click());
    await checkPage(page, 'console: registration settings', problems);
    await page.check('#requires_approval');
    await click(page, 'Save approval');
    assert.match(await mainText(page), /Approval saved\./);
    assert.ok(await page.isChecked('#requires_approval'));
    await checkPage(page, 'console: registration settings saved', problems);

    // Capacity: empty, not a number, out of range; then saved.
    for (const [value, message, name] of [
      ['', /Enter the number of places/, 'empty'],
      ['twenty', /Enter the number of places as a whole number/, 'not a number'],
      ['0', /Enter the number of places between 1 and 100000/, 'out of range'],
    ]) {
      await page.fill('#capacity', value);
      await click(page, 'Save capacity');
      assert.match(await errorState(page, `console: capacity ${name}`, ['capacity'], problems), message);
      assert.equal(await page.inputValue('#capacity'), value);
    }
    await page.fill('#capacity', '30');
    await click(page, 'Save capacity');
    assert.match(await mainText(page), /Capacity saved\./);
    assert.equal(await page.inputValue('#capacity'), '30');

    // A reserved pool: everything missing, then each rule.
    await click(page, 'Add pool');
    text = await errorState(page, 'console: pool with nothing filled in',
                            ['pool_id', 'pool_name', 'pool_places'], problems);
    assert.match(text, /Enter a short name for the pool/);
    assert.match(text, /Enter a label for the pool/);
    assert.match(text, /Enter the number of places/);
    await page.fill('#pool_id', 'general');
    await page.fill('#pool_name', 'Everyone');
    await page.fill('#pool_places', 'five');
    await click(page, 'Add pool');
    text = await errorState(page, 'console: pool named general, places not a number',
                            ['pool_id', 'pool_places'], problems);
    assert.match(text, /The short name general is used for the places that are not reserved/);
    assert.match(text, /Enter the number of places as a whole number/);
    await page.fill('#pool_id', 'Lived Experience');
    await page.fill('#pool_places', '31');
    await click(page, 'Add pool');
    text = await errorState(page, 'console: pool short name breaks the rule, too many places',
                            ['pool_id', 'pool_places'], problems);
    assert.match(text, /2 to 48 small letters, numbers or underscores/);
    assert.match(text, /would add up to 31, more than the 30 places of the event/);
    await page.fill('#pool_id', 'lived_experience');
    await page.fill('#pool_name', 'People with lived experience');
    await page.fill('#pool_places', '5');
    await click(page, 'Add pool');
    text = await mainText(page);
    assert.match(text, /Reserved pool added\./);
    assert.match(text, /lived_experience\s+People with lived experience\s+5/);
    await page.fill('#pool_id', 'lived_experience');
    await page.fill('#pool_name', 'Again');
    await page.fill('#pool_places', '1');
    await click(page, 'Add pool');
    assert.match(await errorState(page, 'console: pool short name taken', ['pool_id'], problems),
                 /There is already a pool with this short name/);
    // Capacity below the reserved places.
    await page.fill('#capacity', '4');
    await click(page, 'Save capacity');
    assert.match(await errorState(page, 'console: capacity below the pools', ['capacity'], problems),
                 /at least 5, the places held in reserved pools/);

    // A question: everything missing, then the choices' rules.
    await click(page, 'Add question');
    text = await errorState(page, 'console: question with nothing filled in',
                            ['question_text', 'question_type-text'], problems);
    assert.match(text, /Enter the question/);
    assert.match(text, /Choose the type of answer/);
    await page.fill('#question_text', QUESTION);
    await page.getByLabel('One choice').check();
    await page.fill('#question_options', 'A friend');
    await click(page, 'Add question');
    assert.match(await errorState(page, 'console: question with one choice', ['question_options'], problems),
                 /Enter 2 to 20 choices, one on each line/);
    assert.equal(await page.inputValue('#question_text'), QUESTION);
    assert.ok(await page.getByLabel('One choice').isChecked());
    await page.fill('#question_options', 'A friend\nA friend');
    await click(page, 'Add question');
    assert.match(await errorState(page, 'console: question with a choice twice', ['question_options'], problems),
                 /Each choice must be different/);
    await page.getByLabel('Text', { exact: true }).check();
    await page.fill('#question_max', 'long');
    await click(page, 'Add question');
    assert.match(await errorState(page, 'console: text question, longest answer not a number',
                                  ['question_max'], problems),
                 /Enter the longest answer as a whole number/);
    await page.getByLabel('One choice').check();
    await page.fill('#question_max', '');
    await page.fill('#question_options', 'A friend\nA charity\nSocial media\n');
    await page.check('#question_required');
    await click(page, 'Add question');
    text = await mainText(page);
    assert.match(text, /Question added\./);
    assert.match(text, /How did you hear about us\?\s+One choice\s+A friend, A charity, Social media\s+Yes/);
    // The other types of answer.
    await page.fill('#question_text', 'Is this your first session?');
    await page.getByLabel('Yes or no').check();
    await click(page, 'Add question');
    await page.fill('#question_text', 'Anything we should know?');
    await page.getByLabel('Text', { exact: true }).check();
    await page.fill('#question_max', '300');
    await click(page, 'Add question');
    await page.fill('#question_text', 'Which topics interest you?');
    await page.getByLabel('Any number of choices').check();
    await page.fill('#question_options', 'Sleep\nMoney\nWork');
    await click(page, 'Add question');
    text = await mainText(page);
    assert.match(text, /Is this your first session\?\s+Yes or no/);
    assert.match(text, /Anything we should know\?\s+Text/);
    assert.match(text, /Which topics interest you\?\s+Any number of choices\s+Sleep, Money, Work\s+No/);
    await checkPage(page, 'console: registration settings with a pool and questions', problems);
    // Removing one, while a second tab still shows the settings as they were: its change is
    // refused (expected_version), not laid over this one.
    const other = await page.context().newPage();
    await go(other, SETTINGS);
    await click(page, 'Remove Which topics interest you?');
    text = await mainText(page);
    assert.match(text, /Removed\./);
    assert.doesNotMatch(text, /Which topics interest you/);
    await other.uncheck('#requires_approval');
    await click(other, 'Save approval');
    assert.match(await errorState(other, 'console: settings changed by someone else', ['requires_approval'], problems),
                 /Someone else changed these settings while you were looking/);
    assert.ok(await other.isChecked('#requires_approval'), 'the settings shown are the new ones');
    await other.close();
    await go(page, SETTINGS);
    assert.ok(await page.isChecked('#requires_approval'), 'the refused change was saved');

    // Pages of no event, or of an event that is not there.
    await go(page, '/manage/events/ev_nothing_here/registrations');
    assert.equal(page.last.status, 404);
    await go(page, `${LIST}/reg_nothing_here/cancel`);
    assert.equal(page.last.status, 404);
    await go(page, '/manage/events/ev_nothing_here/registration-settings');
    assert.equal(page.last.status, 404);
  });
});

test('sign-ups made on the attendee pages are approved, rejected, cancelled with a reason and marked', async () => {
  await signUp('Pat Pending', 'pat@example.org', { pool: true });
  await signUp('Chris Cancel', 'chris@example.org');
  await signUp('Rob Reject', 'rob@example.org');
  await withPage(async (page, problems) => {
    await signIn(page, RAE);
    await go(page, LIST);
    let text = await mainText(page);
    assert.match(text, /Waiting for approval\s+3/);
    for (const name of ['Pat Pending', 'Chris Cancel', 'Rob Reject']) assert.match(text, new RegExp(name));
    await checkPage(page, 'console: registrations waiting for approval', problems);

    await click(page, 'Approve Pat Pending');
    text = await mainText(page);
    assert.match(text, /Approved\./);
    assert.match(text, /Pat Pending\s+pat@example\.org\s+Confirmed\s+lived_experience/);
    await checkPage(page, 'console: registration approved', problems);
    await click(page, 'Reject Rob Reject');
    assert.match(await mainText(page), /Rejected\./);
    assert.match(await mainText(page), /Rob Reject\s+rob@example\.org\s+Rejected/);

    // Cancelling asks first, and needs a reason.
    await act(page, () => page.getByRole('link', { name: 'Cancel Chris Cancel' }).click());
    assert.match(await mainText(page), /Are you sure you want to cancel this registration\?/);
    await checkPage(page, 'console: cancel a registration', problems);
    await click(page, 'Yes, cancel this registration');
    assert.match(await errorState(page, 'console: cancel without a reason', ['reason'], problems),
                 /Enter the reason for cancelling/);
    await page.fill('#reason', 'They asked us to, by phone.');
    await click(page, 'Yes, cancel this registration');
    assert.ok(page.url().includes(LIST), page.url());
    assert.match(await mainText(page), /Cancelled\./);
    assert.match(await mainText(page), /Chris Cancel\s+chris@example\.org\s+Cancelled/);

    // Attendance, one by one, and back.
    await click(page, 'Mark as attended Pat Pending');
    assert.match(await mainText(page), /Marked as attended\./);
    assert.match(await mainText(page), /Pat Pending\s+pat@example\.org\s+Confirmed\s+lived_experience\s+Yes/);
    await checkPage(page, 'console: registration marked as attended', problems);
    await click(page, 'Mark as not attended Pat Pending');
    assert.match(await mainText(page), /Pat Pending\s+pat@example\.org\s+Confirmed\s+lived_experience\s+No/);
  });
});

test('an attendance report is uploaded, and the registrations downloaded as CSV', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attendance-'));
  try {
    const report = path.join(dir, 'zoom-attendance.csv');
    fs.writeFileSync(report, 'Name,Email,Minutes\r\nPat Pending,PAT@example.org,55\r\n' +
                             'Someone Else,nobody@example.org,12\r\nChris Cancel,chris@example.org,3\r\n');
    const noEmail = path.join(dir, 'no-email.csv');
    fs.writeFileSync(noEmail, 'Name,Minutes\r\nPat Pending,55\r\n');
    await withPage(async (page, problems) => {
      await signIn(page, RAE);
      await go(page, LIST);
      await act(page, () => page.getByRole('link', { name: 'Upload attendance' }).click());
      await checkPage(page, 'console: upload attendance', problems);
      // An upload without the form's CSRF token (as another site could send) is refused.
      const forged = await page.request.post(`/manage/events/${EVENT}/attendance/upload`, {
        multipart: { file: { name: 'a.csv', mimeType: 'text/csv', buffer: Buffer.from('Email\npat@example.org\n') } },
      });
      assert.equal(forged.status(), 403);
      await click(page, 'Upload and mark attendance');
      assert.match(await errorState(page, 'console: upload without a file', ['file'], problems),
                   /Choose a CSV file to upload/);
      await page.setInputFiles('#file', noEmail);
      await click(page, 'Upload and mark attendance');
      assert.match(await errorState(page, 'console: upload without an email column', ['file'], problems),
                   /a column called Email/);
      const big = path.join(dir, 'big.csv');
      fs.writeFileSync(big, 'Email\r\n' + 'someone.with.a.long.address@example.org\r\n'.repeat(6000));
      await page.setInputFiles('#file', big);
      await click(page, 'Upload and mark attendance');
      assert.match(await errorState(page, 'console: upload too big', ['file'], problems),
                   /The file must be smaller than 240 KB/);
      await page.setInputFiles('#file', report);
      await click(page, 'Upload and mark attendance');
      const text = await mainText(page);
      assert.match(text, /Marked as attended: 1\. Email addresses in the file: 3\./);
      // Chris cancelled: no confirmed place, so not marked either.
      assert.match(text, /nobody@example\.org\s+No confirmed place with this email address/);
      assert.match(text, /chris@example\.org\s+No confirmed place with this email address/);
      await checkPage(page, 'console: attendance uploaded', problems);
      await go(page, LIST);
      assert.match(await mainText(page), /Pat Pending\s+pat@example\.org\s+Confirmed\s+lived_experience\s+Yes/);

      // The download: every registration, with the question's answer.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download all as CSV' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /\.csv$/);
      const csv = fs.readFileSync(await download.path(), 'utf8');
      const lines = csv.trim().split(/\r?\n/);
      assert.match(lines[0], /^registration_id,status,name,email/);
      assert.equal(lines.length, 4, csv);
      assert.match(csv, /confirmed,Pat Pending,pat@example\.org/);
      assert.match(csv, /cancelled,Chris Cancel,chris@example\.org/);
      assert.match(csv, /rejected,Rob Reject,rob@example\.org/);
      assert.match(csv, /A charity/);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('registrations are filtered by status and pool and searched, by keyboard alone', async () => {
  await signUp('Kim Keyboard', 'kim@example.org');
  await withPage(async (page, problems) => {
    await signIn(page, RAE);
    await go(page, LIST);
    // Status: typing in the select chooses an option; Enter in the search box sends the form.
    await page.locator('#status').focus();
    await page.keyboard.type('Rej');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await act(page, () => page.keyboard.press('Enter'));
    let text = await mainText(page);
    assert.match(text, /Rob Reject/);
    assert.doesNotMatch(text, /Pat Pending|Chris Cancel|Kim Keyboard/);
    assert.ok(page.url().includes('status=rejected'), page.url());
    await checkPage(page, 'console: registrations filtered by status', problems);

    await go(page, `${LIST}?pool=lived_experience`);
    text = await mainText(page);
    assert.match(text, /Pat Pending/);
    assert.doesNotMatch(text, /Chris Cancel|Rob Reject|Kim Keyboard/);

    // Search, by keyboard: part of an e-mail, any case.
    await go(page, LIST);
    await page.locator('#q').focus();
    await page.keyboard.type('KIM@');
    await act(page, () => page.keyboard.press('Enter'));
    text = await mainText(page);
    assert.match(text, /1 found for "KIM@"/);
    assert.match(text, /Kim Keyboard/);
    assert.doesNotMatch(text, /Pat Pending|Chris Cancel|Rob Reject/);
    await checkPage(page, 'console: registrations searched', problems);

    // Approve by keyboard: Tab to the button from the search box, then Space; the search stays.
    let found = false;
    for (let i = 0; i < 40 && !found; ++i) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement &&
        document.activeElement.textContent.trim() === 'Approve Kim Keyboard');
    }
    assert.ok(found, 'Tab never reached "Approve Kim Keyboard"');
    await act(page, () => page.keyboard.press('Space'));
    text = await mainText(page);
    assert.match(text, /Approved\./);
    assert.match(text, /Kim Keyboard\s+kim@example\.org\s+Confirmed/);
    assert.ok(page.url().includes('q=KIM%40'), page.url());

    // Cancel by keyboard, with a reason.
    await page.getByRole('link', { name: 'Cancel Kim Keyboard' }).focus();
    await act(page, () => page.keyboard.press('Enter'));
    await page.locator('#reason').focus();
    await page.keyboard.type('Duplicate of another sign-up.');
    await page.keyboard.press('Tab');
    await act(page, () => page.keyboard.press('Enter'));
    text = await mainText(page);
    assert.match(text, /Cancelled\./);
    assert.match(text, /Kim Keyboard\s+kim@example\.org\s+Cancelled/);

    await go(page, `${LIST}?q=nobody-at-all`);
    assert.match(await mainText(page), /0 found for "nobody-at-all"[\s\S]*No registrations match\./);
    await checkPage(page, 'console: registrations search with no match', problems);
  });
});

test('attendance cannot be marked weeks before an event, and the page says why', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, RAE);
    await go(page, '/manage');
    await act(page, () => page.getByRole('link', { name: process.env.BROWSER_EVENT_TITLE }).click());
    await act(page, () => page.getByRole('link', { name: REGISTRATIONS_LINK, exact: true }).click());
    assert.match(await mainText(page), /Sam Attendee\s+sam@example\.org\s+Confirmed/);
    await click(page, 'Mark as attended Sam Attendee');
    assert.equal(page.last.status, 200);
    assert.match(await mainText(page), /Attendance can be marked from 30 minutes before the event starts\./);
    assert.match(await mainText(page), /Sam Attendee\s+sam@example\.org\s+Confirmed\s+general\s+No/);
    await checkPage(page, 'console: attendance too early', problems);
  });
});

test("a registration's own page shows its answers and its history with names, and the reason reaches the attendee", async () => {
  await signUp('Hana History', 'hana@example.org');
  const reason = 'Booked twice: we kept your other sign-up & told you by phone.';
  await withPage(async (page, problems) => {
    await signIn(page, RAE);
    await go(page, LIST);
    // The name in the list leads to the registration's page.
    await act(page, () => page.getByRole('link', { name: 'Hana History', exact: true }).click());
    const url = new URL(page.url());
    assert.match(url.pathname, new RegExp(`^${LIST}/rg_[^/]+$`), page.url());
    let text = await mainText(page);
    assert.match(text, /Hana History/);
    assert.match(text, /Email address\s+hana@example\.org/);
    assert.doesNotMatch(text, /Organisation/, 'no empty rows');
    assert.match(text, /Status\s+Waiting for approval/);
    assert.match(text, /How did you hear about us\?\s+A charity/);
    assert.match(text, /Is this your first session\?\s+Not answered/);
    assert.match(text, /When, UK time\s+What happened\s+Who\s+Reason given/);
    assert.match(text, /Times are UK time\. Only the last 50 changes are kept\./);
    assert.match(text, /Registered, waiting for approval\s+The attendee/);
    await checkPage(page, "console: a registration's page, waiting for approval", problems);

    await click(page, 'Approve');
    assert.equal(new URL(page.url()).pathname, url.pathname, 'the action returns to the page');
    text = await mainText(page);
    assert.match(text, /Approved\./);
    assert.match(text, /Status\s+Confirmed/);
    assert.match(text, /Approved and got a place\s+Rae Registrations/);

    // Cancelling from the page asks first, needs a reason, and comes back to the page.
    await act(page, () => page.getByRole('link', { name: 'Cancel this registration' }).click());
    assert.match(await mainText(page), /Are you sure you want to cancel this registration\?/);
    await click(page, 'Yes, cancel this registration');
    await errorState(page, 'console: cancel from the registration page without a reason', ['reason'], problems);
    await page.fill('#reason', reason);
    await click(page, 'Yes, cancel this registration');
    assert.equal(new URL(page.url()).pathname, url.pathname, page.url());
    text = await mainText(page);
    assert.match(text, /Cancelled\./);
    assert.match(text, /Status\s+Cancelled/);
    // Each change with its time (UK time) and who made it, the reason with hers.
    assert.match(text, /\d{4}, \d{1,2}(:\d\d)?(am|pm)\s+Approved and got a place\s+Rae Registrations/);
    assert.match(text, new RegExp(`Cancelled by the organisers\\s+Rae Registrations\\s+${
      reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await checkPage(page, "console: a registration's page with its history", problems);

    // No such registration, and a registration id of no event of hers: not found.
    await go(page, `${LIST}/rg_nothing_here`);
    assert.equal(page.last.status, 404);
    await go(page, `/manage/events/ev_nothing_here/registrations/${url.pathname.split('/').pop()}`);
    assert.equal(page.last.status, 404);
  });
  // The attendee's e-mail says the organisers cancelled it, and why.
  // (Words may be wrapped onto new lines in the text part: \s+ between them.)
  const mail = await waitForMail('hana@example.org', /cancelled\s+your\s+registration/);
  const words = (s) => new RegExp(s.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));
  assert.match(mail.text, words(`They said why: ${reason}`));
  assert.match(mail.text, words('we kept your other sign-up &amp; told you by phone.'), 'the HTML part escapes it');
  assert.doesNotMatch(mail.text, /Rae Registrations/, 'the organiser is not named to the attendee');
});
