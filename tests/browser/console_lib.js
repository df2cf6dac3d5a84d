// Helpers of the organiser console's browser tests (console*.test.js): the e-mail in the
// mail sink's folder, the authenticator app (RFC 6238), and signing in as a person does.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const assert = require('node:assert/strict');
const { newPage, go, act, checkPage, mainText } = require('./lib.js');

const MAIL_DIR = process.env.BROWSER_MAIL_DIR;

// --- E-mail, as the mail sink keeps it ------------------------------------------------------

// The decoded text of an .eml file: headers as they are, quoted-printable soft breaks joined
// and =XX decoded (enough for links and subjects, which are ASCII here).
function readMail(file) {
  const raw = fs.readFileSync(file, 'utf8');
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g,
                                             (_, h) => String.fromCharCode(parseInt(h, 16)));
}

const seenMail = new Set();

// waitForMail TO MATCH: the first e-mail to TO, not returned before, whose text matches the
// regular expression MATCH; waits up to 20 s (the notifications service sends within a second
// or two).
async function waitForMail(to, match) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const files = fs.existsSync(MAIL_DIR) ? fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).sort() : [];
    for (const f of files) {
      const file = path.join(MAIL_DIR, f);
      if (seenMail.has(file)) continue;
      const text = readMail(file);
      const header = text.split(/\r?\n\r?\n/)[0];
      if (!new RegExp(`^To:.*${to.replace('.', '\\.')}`, 'mi').test(header)) continue;
      const m = text.match(match);
      if (!m) continue;
      seenMail.add(file);
      return { text, match: m, header };
    }
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} matching ${match} within 20 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const LINK = /https?:\/\/[^\s"<>]*\/manage\/sign-in\/([A-Za-z0-9_.-]+)/;

// --- The authenticator app ------------------------------------------------------------------

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// RFC 6238 with SHA-1, 6 digits, 30 s steps: what an authenticator app shows at step STEP.
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, '0');
}
const stepNow = () => Math.floor(Date.now() / 30000);

// A code for a step not used before (each code works once): waits for the next step if the
// current one was used.
const usedSteps = new Set();
async function freshCode(secret) {
  while (usedSteps.has(stepNow())) await new Promise((r) => setTimeout(r, 500));
  const step = stepNow();
  usedSteps.add(step);
  return totp(secret, step);
}

// --- Journeys ---------------------------------------------------------------------------

async function withPage(browser, body) {
  const page = await newPage(browser);
  const problems = [];
  try {
    await body(page, problems);
  } finally {
    await page.context().close();
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
}

// askForLink PAGE EMAIL: the sign-in form, filled in and sent, by keyboard.
async function askForLink(page, email, problems) {
  await go(page, '/manage/sign-in');
  if (problems) await checkPage(page, 'console: sign in', problems);
  await page.locator('#email').focus();
  await page.keyboard.type(email);
  await act(page, () => page.keyboard.press('Enter'));
  assert.equal(page.last.status, 200);
  assert.match(await mainText(page), /Check your e-mail/);
  if (problems) await checkPage(page, 'console: check your e-mail', problems);
}

// signIn PAGE EMAIL [OPTIONS]: asks for a link, opens it from the e-mail, presses the button,
// and gives a code when asked (options.secret: from the app; options.recovery: a recovery
// code). Returns the page's text after signing in.
async function signIn(page, email, options = {}, problems = null) {
  await askForLink(page, email, problems);
  const mail = await waitForMail(email, LINK);
  await go(page, mail.match[0]);
  if (problems) await checkPage(page, 'console: finish signing in', problems);
  await act(page, () => page.getByRole('button', { name: 'Sign in' }).click());
  if (page.url().endsWith('/manage/sign-in/code')) {
    if (problems) await checkPage(page, 'console: enter your code', problems);
    if (options.recovery) {
      await go(page, '/manage/sign-in/code?recovery=yes');
      await page.fill('#recovery_code', options.recovery);
    } else {
      assert.ok(options.secret, `${email} was asked for a code and the test has no key`);
      await page.fill('#code', await freshCode(options.secret));
    }
    await act(page, () => page.getByRole('button', { name: 'Continue' }).click());
  }
  return mainText(page);
}

// --- Page checks ------------------------------------------------------------------------------

// errorState PAGE NAME FIELDS PROBLEMS: the GOV.UK error pattern for exactly FIELDS: "Error: "
// in the title, a summary linking to each field, one message at each; then checkPage. Returns
// the page's text.
async function errorState(page, name, fields, problems) {
  assert.equal(page.last.status, 200, `${name}: HTTP ${page.last.status}`);
  assert.match(await page.title(), /^Error: /, `${name}: the title`);
  const links = await page.locator('.error-summary a').evaluateAll(
    (as) => as.map((a) => a.getAttribute('href').replace(/^#/, '')));
  assert.deepEqual(links.sort(), [...fields].sort(), `${name}: the error summary links`);
  for (const id of links) {
    assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `${name}: #${id} is not on the page`);
  }
  assert.equal(await page.locator('.error-message').count(), fields.length, `${name}: inline messages`);
  await checkPage(page, name, problems);
  return mainText(page);
}

// click PAGE NAME: presses the button named exactly NAME and waits for the page it leads to.
const click = (page, name) => act(page, () => page.getByRole('button', { name, exact: true }).click());

module.exports = {
  readMail, waitForMail, LINK, base32Decode, totp, stepNow, freshCode, withPage, askForLink, signIn,
  errorState, click,
};
