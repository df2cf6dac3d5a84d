// The console's feedback pages in a real browser (Debian's Chromium), against the stack that
// tests/browser/console_run.sh starts, signed in as Fran Feedback (an organiser). She builds
// the survey of "Money advice drop-in" (a question of each type, errors at each field, moves,
// removes, a colleague's change in between) and opens it; she reads the report of "Carers'
// wellbeing workshop", which seven people answered in console_run.sh (charts, their summary
// sentences and tables, withheld groups), its written answers, the trends and the CSV. A
// viewer and another organisation are refused by the server. Every page state gets checkPage
// (axe-core, html-validate, 320 px reflow, text spacing).
'use strict';

const { test: nodeTest, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { launch, go, act, checkPage, screenshot, mainText, checked } = require('./lib.js');
const { signIn, withPage: withPageIn, errorState, click } = require('./console_lib.js');

const REPORT_EVENT = process.env.BROWSER_FB_REPORT_EVENT;
const BUILD_EVENT = process.env.BROWSER_FB_BUILD_EVENT;
const OTHER_EVENT = process.env.BROWSER_FB_OTHER_EVENT;
const MONTH = process.env.BROWSER_FB_MONTH;
const FRAN = 'fran@riverside.example';
const VAL = 'val@riverside.example';
const BUILDER = `/manage/events/${BUILD_EVENT}/feedback/survey`;
const REPORT = `/manage/events/${REPORT_EVENT}/feedback/report`;
const WITHHELD = 'Fewer than 5 answers: not shown, so nobody can be identified';

const test = (name, fn) => nodeTest(name, { timeout: 180000 }, fn);

let browser;
const withPage = (body) => withPageIn(browser, body);
before(async () => {
  assert.ok(REPORT_EVENT, 'BROWSER_FB_REPORT_EVENT is not set: run through tests/browser/console_run.sh');
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  console.log(`axe-core, html-validate, 320 px reflow and text spacing checked ${checked.size} page states:\n  ` +
              [...checked].join('\n  '));
});

// An accessible name "WHAT: WHICH" whose second part is visually hidden (Chromium may put a
// space before the colon of a hidden span).
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const named = (what, which) => new RegExp(`^${escape(what)}\\s*:\\s*${escape(which)}$`);

// The builder's questions, in order (their wording).
const questionTexts = (page) => page.locator('main ol > li > p:first-child strong').allInnerTexts();

// addQuestion PAGE TYPE TEXT [OPTIONS]: the "Add a question" form, filled in and sent.
async function addQuestion(page, type, text, { choices = '', max = '', required = false } = {}) {
  await page.getByLabel(type, { exact: true }).check();
  await page.fill('#question_text', text);
  await page.fill('#question_choices', choices);
  await page.fill('#question_max', max);
  if (required) await page.check('#question_required');
  await click(page, 'Add question');
}

// The table that follows the section's chart, as "label count percent" lines.
async function tableRows(section) {
  return section.locator('table tbody tr').evaluateAll(
    (trs) => trs.map((tr) => [...tr.children].map((c) => c.innerText.trim()).join(' | ')));
}

const section = (page, heading) =>
  page.locator('main section').filter({ has: page.getByRole('heading', { name: heading, exact: true }) });

test('Fran builds a survey: a question of each type, errors at each field, moves, removes, and opens it', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, FRAN);
    await act(page, () => page.locator('.console-nav').getByRole('link', { name: 'Feedback' }).click());
    let text = await mainText(page);
    assert.match(text, /Money advice drop-in/);
    assert.match(text, /Carers' wellbeing workshop/);
    await checkPage(page, 'console: feedback, the events', problems);
    await act(page, () => page.getByRole('link', { name: 'Money advice drop-in' }).click());
    text = await mainText(page);
    assert.match(text, /Survey\s+Not open yet/);
    assert.match(text, /People who answered\s+0/);
    await checkPage(page, 'console: a survey not open yet', problems);
    await act(page, () => page.getByRole('link', { name: 'Change the questions' }).click());
    assert.ok(page.url().endsWith(BUILDER), page.url());
    await checkPage(page, 'console: survey questions', problems);
    const standard = await questionTexts(page);
    assert.equal(standard.length, 5, standard.join(' / '));

    // Errors, each at its field.
    await click(page, 'Add question');
    text = await errorState(page, 'console: add a question with nothing filled in',
                            ['question_type-rating', 'question_text'], problems);
    assert.match(text, /Choose the type of question/);
    assert.match(text, /Enter the question/);
    await addQuestion(page, 'One choice', 'Which room suited you best?', { choices: 'Blue room' });
    assert.match(await errorState(page, 'console: a choice question with one choice', ['question_choices'], problems),
                 /Enter from 2 to 12 choices, one on each line \(there are 1\)/);
    assert.equal(await page.inputValue('#question_text'), 'Which room suited you best?', 'what was typed is kept');
    await addQuestion(page, 'Written answer', 'Anything else to tell us?', { max: '5000' });
    assert.match(await errorState(page, 'console: a written answer too long', ['question_max'], problems),
                 /The longest written answer must be a whole number from 1 to 2000/);

    // One question by keyboard alone: the type with Space, Tab to the question, Enter sends.
    await page.locator('#question_type-rating').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'question_text');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('How was the venue?');
    for (const id of ['question_plain', 'question_help', 'question_choices']) {
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), id);
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
    }
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'question_max');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');  // must be answered
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Add question');
    await act(page, () => page.keyboard.press('Enter'));
    text = await mainText(page);
    assert.match(text, /The question was added\./);
    assert.match(text, /How was the venue\?\s+Rating from 1 to 5\. Must be answered\./);

    await addQuestion(page, 'Scale from 0 to 10', 'How likely are you to come again?');
    await addQuestion(page, 'One choice', 'Which room suited you best?', { choices: 'Blue room\nGreen room' });
    await addQuestion(page, 'Any number of choices', 'What helped you take part?',
                      { choices: 'Live captions\nBreaks\nSlides sent before' });
    await addQuestion(page, 'Written answer', 'Anything else to tell us?', { max: '800' });
    text = await mainText(page);
    assert.match(text, /Which room suited you best\?\s+One choice\. Can be skipped\.\s+Choices: Blue room, Green room/);
    assert.match(text, /What helped you take part\?\s+Any number of choices\. Can be skipped\.\s+Choices: Live captions, Breaks, Slides sent before/);
    assert.match(text, /Anything else to tell us\?\s+Written answer\. Can be skipped\. Answers up to 800 characters\./);
    await checkPage(page, 'console: survey questions with one of each type', problems);
    assert.deepEqual((await questionTexts(page)).slice(5), [
      'How was the venue?', 'How likely are you to come again?', 'Which room suited you best?',
      'What helped you take part?', 'Anything else to tell us?']);

    // Moving and removing.
    await act(page, () => page.getByRole('button', { name: named('Move up', 'Anything else to tell us?') }).click());
    assert.match(await mainText(page), /The question was moved\./);
    assert.deepEqual((await questionTexts(page)).slice(8), ['Anything else to tell us?', 'What helped you take part?']);
    await act(page, () => page.getByRole('link', { name: named('Remove', 'Which room suited you best?') }).click());
    assert.match(await mainText(page), /Are you sure you want to remove this question\?\s+Which room suited you best\?/);
    await checkPage(page, 'console: remove a question?', problems);
    await click(page, 'Yes, remove this question');
    text = await mainText(page);
    assert.match(text, /The question was removed\./);
    assert.doesNotMatch(text, /Which room suited you best/);

    // A colleague's change in between is not overwritten.
    const other = await page.context().newPage();
    await go(other, BUILDER);
    await act(page, () => page.getByRole('button', { name: named('Move down', 'How was the venue?') }).click());
    await addQuestion(other, 'Rating from 1 to 5', 'How were the breaks?');
    assert.match(await errorState(other, 'console: survey changed by someone else', ['question_text'], problems),
                 /Someone else changed this survey while you were looking/);
    assert.equal(await other.inputValue('#question_text'), 'How were the breaks?');
    await other.close();

    // Settings.
    await page.fill('#window_days', 'two weeks');
    await click(page, 'Save settings');
    assert.match(await errorState(page, 'console: survey settings with a bad number of days', ['window_days'], problems),
                 /The days the survey stays open must be a whole number from 1 to 90/);
    await page.fill('#window_days', '21');
    await click(page, 'Save settings');
    assert.match(await mainText(page), /The settings were saved\./);
    assert.equal(await page.inputValue('#window_days'), '21');

    // Opening asks first.
    await act(page, () => page.getByRole('link', { name: 'Survey', exact: true }).click());
    await act(page, () => page.getByRole('link', { name: 'Open the survey now' }).click());
    assert.match(await mainText(page), /Are you sure you want to open the survey now\?/);
    await checkPage(page, 'console: open the survey now?', problems);
    await click(page, 'Yes, open the survey now');
    text = await mainText(page);
    assert.match(text, /The survey is open\./);
    assert.match(text, /Survey\s+Open/);
    assert.match(text, /Closes\s+\w+day \d+ \w+ \d{4}, [\d:]+(am|pm)|midday|midnight/);
    await checkPage(page, 'console: a survey just opened', problems);
    await go(page, BUILDER);
    text = await mainText(page);
    assert.match(text, /The survey has opened, so questions can no longer be added, removed or moved\./);
    assert.equal(await page.getByRole('button', { name: 'Add question' }).count(), 0);
    await checkPage(page, 'console: survey questions once open', problems);
  });
});

test('the report of an event with answers: charts with summaries and tables, withheld groups, texts, trends, CSV', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, FRAN);
    await go(page, '/manage');
    const overview = await mainText(page);
    assert.match(overview, /Surveys open/);
    assert.match(overview, /Carers' wellbeing workshop\s*: see the report\s+7/);
    await checkPage(page, 'console: overview with surveys open', problems);
    await act(page, () => page.getByRole('link', { name: named("Carers' wellbeing workshop", 'see the report') }).click());
    assert.ok(page.url().endsWith(REPORT), page.url());
    const text = await mainText(page);
    assert.match(text, /People who answered\s+7/);
    assert.match(text, /People invited\s+7/);
    assert.match(text, /Response rate\s+100%/);

    // Every chart is an image with a title, and says the same as its sentence and table.
    const charts = page.locator('main svg');
    assert.ok(await charts.count() >= 5, `${await charts.count()} charts`);
    for (const svg of await charts.all()) {
      assert.equal(await svg.getAttribute('role'), 'img');
      assert.equal(await svg.locator('title').count(), 1);
    }
    const overall = section(page, 'Overall, how would you rate the event?');
    assert.match(await overall.innerText(), /Answered by 7 people/);
    assert.match(await overall.innerText(), /Most people \(4 of 7\) rated it Very good \(5\)\./);
    assert.deepEqual(await tableRows(overall), [
      'Very poor (1) | 0 | 0%', 'Poor (2) | 0 | 0%', 'OK (3) | 0 | 0%',
      'Good (4) | 3 | 43%', 'Very good (5) | 4 | 57%']);
    assert.match(await overall.locator('svg title').textContent(), /Overall, how would you rate the event\?/);
    const access = section(page, 'Were your access needs met?');
    assert.match(await access.innerText(), /Most people \(6 of 7\) answered Yes\./);
    const rows = await tableRows(access);
    assert.ok(rows.some((r) => /^Yes \| 6 \| 86%$/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => /^Partly \| 1 \| 14%$/.test(r)), rows.join('\n'));
    // Three people answered this one: withheld, in the drawing, the sentence and the table.
    const recommend = section(page, 'How likely are you to recommend events like this to a friend or colleague?');
    const withheld = await recommend.innerText();
    assert.match(withheld, new RegExp(WITHHELD));
    assert.doesNotMatch(withheld, /Answered by 3/);
    assert.match(await recommend.locator('svg').textContent(), /Fewer than 5 answers/);
    assert.deepEqual(await tableRows(recommend), [`All answers | ${WITHHELD} | Not shown`]);
    const help = section(page, 'Would you like to help shape future events?');
    assert.match(await help.innerText(), /Most people \(4 of 7\) answered Yes, please contact me\./);
    // Written answers: six people wrote, enough to show.
    const mattered = section(page, 'What mattered most to you?');
    assert.match(await mattered.innerText(), /6 of 6 written answers shown here/);
    assert.match(await mattered.innerText(), /Meeting other carers, said attendee 1/);
    // One attendee's access request is still open: a group of one, so the whole breakdown is
    // one withheld bar with the note, and no row says which group is small.
    const breakdown = section(page, "Were access needs met, by what happened to people's access requests");
    const breakdownText = await breakdown.innerText();
    assert.match(breakdownText, /This breakdown is not shown at all/);
    assert.deepEqual(await tableRows(breakdown), [`Every group | ${WITHHELD} | Not shown`]);
    assert.doesNotMatch(breakdownText, /Access request still open \| 1/);
    await checkPage(page, 'console: feedback report', problems);
    // The screenshot shows the first question's chart, sentence and table (the viewport).
    await overall.locator('h2').evaluate((h) => h.scrollIntoView());
    await screenshot(page, 'console-feedback-report');

    await act(page, () => mattered.getByRole('link', { name: /Read all the written answers/ }).click());
    const texts = await mainText(page);
    assert.match(texts, /6 written answers in all/);
    assert.equal(await page.locator('main ul.list--bullet li').count(), 6);
    await checkPage(page, 'console: written answers', problems);
    // A question whose texts are withheld says so, rather than showing an empty page.
    await go(page, `/manage/events/${REPORT_EVENT}/feedback/report/texts/recommend`);
    assert.match(await mainText(page), /These written answers are not shown/);
    await checkPage(page, 'console: written answers withheld', problems);

    // The download: one row per answer, no names.
    await go(page, REPORT);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download answers as CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^[A-Za-z0-9._-]+\.csv$/);
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    assert.match(csv[0], /^response,submitted_on,overall,access_needs_met,mattered_most,recommend,help_shape/);
    assert.equal(csv.length, 8, csv.join('\n'));
    const overallColumn = csv[0].split(',').indexOf('overall');
    const ratings = csv.slice(1).map((line) => line.split(',')[overallColumn]).sort();
    assert.deepEqual(ratings, ['4', '4', '4', '5', '5', '5', '5']);
    assert.doesNotMatch(csv.join('\n'), /Wellbeing Attendee|@example\.org/);
    const response = await page.request.get(`/manage/events/${REPORT_EVENT}/feedback/export`);
    assert.match(response.headers()['content-disposition'], /^attachment; filename="[A-Za-z0-9._-]+"$/);
    assert.match(response.headers()['cache-control'], /no-store/);

    // Trends: this month has the seven answers and the mean rating; the recommend question
    // (three answers) is not in them.
    await go(page, '/manage/feedback/trends');
    const trends = await mainText(page);
    assert.match(trends, new RegExp(`${MONTH}\\s+\\d+\\s+[\\d.]+ \\(\\d+\\)`));
    assert.match(trends, /people answered surveys over \d+ months?/);
    assert.match(trends, new RegExp(`${MONTH}\\s+7\\s+4\\.6 \\(7\\)\\s+Not shown: fewer than 5 answers`));
    await checkPage(page, 'console: feedback trends', problems);
  });
});

test('a viewer reads the report and changes nothing (the server refuses), and another organisation sees none of it', async () => {
  await withPage(async (page, problems) => {
    await signIn(page, VAL);
    // A viewer sees feedback (the role's promise): the report, read only.
    assert.equal(await page.locator('.console-nav').getByRole('link', { name: 'Feedback' }).count(), 1);
    await go(page, REPORT);
    assert.equal(page.last.status, 200);
    assert.match(await mainText(page), /Most people \(4 of 7\) rated it Very good \(5\)/);
    await checkPage(page, 'console: a feedback report read by a viewer', problems);
    await go(page, `/manage/events/${BUILD_EVENT}/feedback/survey`);
    assert.equal(page.last.status, 200);
    assert.equal(await page.locator('main form').count(), 0, 'a viewer is offered no change');
    // A valid CSRF token, from one of her own pages: the server still refuses every change.
    await go(page, '/manage/account');
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    for (const [url, form] of [
      [`/manage/events/${BUILD_EVENT}/feedback/survey`,
       { csrf, action: 'add', version: '0', question_type: 'rating', question_text: 'Forged?' }],
      [`/manage/events/${REPORT_EVENT}/feedback/open`, { csrf }],
    ]) {
      const refused = await page.request.post(url, { form, maxRedirects: 0 });
      assert.equal(refused.status(), 403, url);
    }
  });
  await withPage(async (page) => {
    await signIn(page, FRAN);
    for (const path of ['feedback', 'feedback/survey', 'feedback/report', 'feedback/export',
                        'feedback/report/texts/mattered_most', 'feedback/open']) {
      const response = await page.request.get(`/manage/events/${OTHER_EVENT}/${path}`);
      assert.equal(response.status(), 404, path);
    }
    await go(page, '/manage/account');
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const refused = await page.request.post(`/manage/events/${OTHER_EVENT}/feedback/open`,
                                            { form: { csrf }, maxRedirects: 0 });
    assert.equal(refused.status(), 404);
  });
});
