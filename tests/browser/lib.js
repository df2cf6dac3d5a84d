// Helpers of the browser tests: Debian's Chromium through playwright-core, and the checks
// every page gets (axe-core, 320 px reflow, html-validate, no missing message, one h1, lang).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { AxeBuilder } = require('@axe-core/playwright');
const { HtmlValidate, StaticConfigLoader } = require('html-validate');

const BASE = process.env.BROWSER_BASE_URL;
const ROOT = path.join(__dirname, '..', '..');
const SCREENSHOTS = process.env.SAVE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'screenshots') : '';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const VIEWPORT = { width: 1000, height: 800 };

// Debian's Chromium, never a downloaded one; playwright gives it a fresh profile folder.
function launch() {
  return chromium.launch({
    executablePath: process.env.BROWSER_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function newPage(browser, { javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ baseURL: BASE, viewport: VIEWPORT, javaScriptEnabled });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.last = null; // { status, url, body } of the last document the page loaded
  return page;
}

async function keep(page, response) {
  if (!response) throw new Error(`no response for ${page.url()}`);
  page.last = { status: response.status(), url: response.url(), body: await response.text() };
  await page.waitForLoadState('load');
  return page.last;
}

// go PAGE PATH: loads a page and keeps its HTML as the server sent it.
async function go(page, url) {
  return keep(page, await page.goto(url));
}

// act PAGE FN: runs FN (a click, a key press) that loads a new document, and keeps it.
async function act(page, fn) {
  const nav = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() &&
      !(r.status() >= 300 && r.status() < 400));
  const [response] = await Promise.all([nav, fn()]);
  return keep(page, response);
}

const validator = new HtmlValidate(new StaticConfigLoader(
  JSON.parse(fs.readFileSync(path.join(__dirname, '.htmlvalidate.json'), 'utf8'))));

const checked = new Set();

// checkPage PAGE NAME [PROBLEMS]: every page-wide check, once per page state NAME. Adds what
// fails to PROBLEMS (an array the test asserts empty at its end), so that one run lists all.
async function checkPage(page, name, problems) {
  if (checked.has(name)) return;
  checked.add(name);
  const say = (what) => problems.push(`${name} (${page.url()}): ${what}`);
  const body = page.last && page.last.body;
  if (!body) {
    say('no HTML kept for this page');
    return;
  }
  if (body.includes('[[')) say('a message is missing from the catalogue ("[[" in the page)');
  const h1 = await page.locator('h1').count();
  if (h1 !== 1) say(`${h1} h1 elements, not 1`);
  const lang = await page.getAttribute('html', 'lang');
  if (!lang) say('no lang on <html>');

  const report = await validator.validateString(body, 'page.html');
  for (const r of report.results) {
    for (const m of r.messages) say(`html-validate ${m.ruleId} line ${m.line}:${m.column}: ${m.message}`);
  }

  const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  for (const v of axe.violations) {
    const targets = v.nodes.map((n) => n.target.join(' ')).join(', ');
    say(`axe ${v.id} (${v.impact}) at ${targets}: ${v.help}`);
  }

  await page.setViewportSize({ width: 320, height: 640 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 320) say(`at 320 CSS px the page is ${width} px wide (horizontal scrolling)`);
  for (const clipped of await textSpacingClips(page)) {
    say(`with WCAG 1.4.12 text spacing at 320 px, ${clipped} hides some of its content`);
  }
  await page.setViewportSize(VIEWPORT);
}

// textSpacingClips PAGE: applies the WCAG 1.4.12 text spacing (line height 1.5, paragraphs
// 2 em apart, letters 0.12 em, words 0.16 em) to every element, lists the elements whose
// overflow then hides content or that make the page scroll sideways, and takes the spacing
// off again. Set through the CSSOM (which the Content-Security-Policy allows), not a <style>.
function textSpacingClips(page) {
  return page.evaluate(() => {
    const all = [...document.body.querySelectorAll('*')];
    const saved = all.map((el) => el.getAttribute('style'));
    for (const el of all) {
      el.style.setProperty('line-height', '1.5', 'important');
      el.style.setProperty('letter-spacing', '0.12em', 'important');
      el.style.setProperty('word-spacing', '0.16em', 'important');
      if (el.tagName === 'P') el.style.setProperty('margin-bottom', '2em', 'important');
    }
    const clips = [];
    for (const el of all) {
      const s = getComputedStyle(el);
      const hides = /hidden|clip/.test(s.overflowX + s.overflowY);
      // Text fields scroll their own value, as they do without the spacing.
      const field = /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
      if (!hides || field || el.closest('.visually-hidden') || el.clientWidth <= 1) continue;
      if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
        clips.push(`<${el.tagName.toLowerCase()} class="${el.className}">`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth) clips.push('the page');
    all.forEach((el, i) => {
      if (saved[i] === null) el.removeAttribute('style');
      else el.setAttribute('style', saved[i]);
    });
    return clips;
  });
}

// screenshot PAGE FILE: the viewport as docs/screenshots/FILE.png, when SAVE_SCREENSHOTS=1.
async function screenshot(page, file) {
  if (!SCREENSHOTS) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${file}.png`), fullPage: false });
}

// The text of <main>, with white space squeezed.
async function mainText(page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim();
}

module.exports = { launch, newPage, go, act, checkPage, screenshot, mainText, checked, BASE };
