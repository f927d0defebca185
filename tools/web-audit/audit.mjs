// Lighthouse (mobile) and axe-core on HQ's pages, in Debian's Chromium.
//
//   node tools/web-audit/audit.mjs '[{"name":"phone","url":"http://…","cookie":"…"}]'
//
// Prints one JSON array: per page the Lighthouse scores (performance,
// accessibility, best practices, 0-100), the audits that did not pass, the
// bytes transferred, and axe-core's violations (axe injected into the page
// by the DevTools protocol, the page's Content-Security-Policy bypassed for
// that script only). The packages are pinned in package.json and installed
// by scripts/setup-debian.sh; crates/vitrine-hq/tests/web_audit.rs runs it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const pages = JSON.parse(process.argv[2] || '[]');

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
const out = [];
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  for (const p of pages) {
    const headers = p.cookie ? { Cookie: p.cookie } : undefined;
    const result = await lighthouse(p.url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
      extraHeaders: headers,
    });
    const lhr = result.lhr;
    const score = (c) => Math.round((lhr.categories[c].score ?? 0) * 100);
    const failed = (c) =>
      lhr.categories[c].auditRefs
        .map((a) => lhr.audits[a.id])
        .filter((a) => a && a.score !== null && a.score < 1 && ['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode))
        .map((a) => a.id);

    const page = await browser.newPage();
    await page.setBypassCSP(true);
    if (headers) await page.setExtraHTTPHeaders(headers);
    await page.emulate({
      viewport: { width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true },
      userAgent: 'Mozilla/5.0 (Linux; Android 11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome Mobile Safari/537.36',
    });
    await page.goto(p.url, { waitUntil: 'networkidle0' });
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document);
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
    });
    await page.close();

    out.push({
      name: p.name,
      url: p.url,
      performance: score('performance'),
      accessibility: score('accessibility'),
      best_practices: score('best-practices'),
      failed: {
        performance: failed('performance'),
        accessibility: failed('accessibility'),
        best_practices: failed('best-practices'),
      },
      // What the failed best-practice audits found (console errors, issues).
      problems: failed('best-practices').flatMap((id) =>
        (lhr.audits[id].details?.items || []).map((i) => `${id}: ${i.description || i.issueType || JSON.stringify(i).slice(0, 300)}`),
      ),
      transfer_bytes: lhr.audits['total-byte-weight']?.numericValue ?? null,
      axe,
    });
  }
  await browser.disconnect();
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
