import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '@retain/core';
import type * as Playwright from 'playwright-core';
import { PlaywrightUnavailableError } from './browser-errors.js';
import { findChromium } from './find-chromium.js';

/** Options of {@link checkReportRenders}. */
export interface ReportCheckOptions {
  /** Save a full-page PNG screenshot here (written atomically). Default: none. */
  readonly screenshotPath?: string;
  /** The Chromium to drive. Default: $RETAIN_CHROMIUM, /usr/bin/chromium, or chromium on $PATH. */
  readonly executablePath?: string;
  /** Page load timeout. Default 30,000 ms. */
  readonly timeoutMs?: number;
  /** Viewport width in CSS pixels. Default 1280. */
  readonly viewportWidth?: number;
}

/** One chart of the report as the browser laid it out. */
export interface RenderedChart {
  /** The svg's id, or `#<n>` when it has none. */
  readonly id: string;
  /** Rendered size in CSS pixels. */
  readonly width: number;
  readonly height: number;
  /** Drawn elements inside it (path, rect, line, circle, text, polygon, polyline, g with content excluded). */
  readonly marks: number;
}

/** What {@link checkReportRenders} saw. */
export interface ReportCheck {
  /** The page's title. */
  readonly title: string;
  /** Every svg element in the document. */
  readonly svgCount: number;
  /** The charts: svg elements inside figure elements, in document order. */
  readonly charts: readonly RenderedChart[];
  /** Charts with zero width or height or nothing drawn. */
  readonly emptyCharts: readonly string[];
  /** Console messages of type error (a Content-Security-Policy violation is one). */
  readonly consoleErrors: readonly string[];
  /** Uncaught exceptions in the page. */
  readonly pageErrors: readonly string[];
  /** Requests that failed (the report is self-contained: there should be none). */
  readonly failedRequests: readonly string[];
  /** The screenshot written, if asked for. */
  readonly screenshotPath?: string;
  /** The Chromium that rendered it. */
  readonly executablePath: string;
}

// Runs in the page (a string so that this package needs no DOM typings).
const MEASURE_CHARTS = `(() => {
  const charts = [...document.querySelectorAll('figure svg')].map((svg, i) => {
    const box = svg.getBoundingClientRect();
    return {
      id: svg.id || '#' + i,
      width: box.width,
      height: box.height,
      marks: svg.querySelectorAll('path, rect, line, circle, text, polygon, polyline').length,
    };
  });
  return { title: document.title, svgCount: document.querySelectorAll('svg').length, charts };
})()`;

type PlaywrightModule = typeof Playwright;

async function loadPlaywright(): Promise<PlaywrightModule> {
  try {
    return await import('playwright-core');
  } catch (error) {
    throw new PlaywrightUnavailableError((error as Error).message);
  }
}

/**
 * Opens the HTML report at `htmlPath` in headless Chromium (Debian's
 * `chromium` driven by playwright-core, sandbox off since CI runs as root),
 * waits for it to load, and reports what rendered: the svg elements, each
 * chart's size and number of drawn marks, console errors, page errors and
 * failed requests; optionally saves a full-page screenshot. Throws
 * ChromiumNotFoundError (with the `apt-get install chromium` hint) when no
 * Chromium is found. It checks nothing itself: the caller asserts on the
 * result (see the runner's browser test).
 */
export async function checkReportRenders(htmlPath: string, options: ReportCheckOptions = {}): Promise<ReportCheck> {
  const page = resolve(htmlPath);
  const info = await stat(page).catch(() => undefined);
  if (info === undefined || !info.isFile()) throw new InvalidArgumentError('htmlPath', htmlPath, 'an existing HTML report file');
  const executablePath = findChromium(options.executablePath);
  const { chromium } = await loadPlaywright();
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const context = await browser.newContext({ viewport: { width: options.viewportWidth ?? 1280, height: 900 } });
    const tab = await context.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const failedRequests: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    tab.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load', timeout: options.timeoutMs ?? 30_000 });
    const measured = (await tab.evaluate(MEASURE_CHARTS)) as { title: string; svgCount: number; charts: RenderedChart[] };
    let screenshotPath: string | undefined;
    if (options.screenshotPath !== undefined) {
      screenshotPath = resolve(options.screenshotPath);
      await mkdir(dirname(screenshotPath), { recursive: true });
      const temporary = join(dirname(screenshotPath), `.${basename(screenshotPath)}.${process.pid}.${randomUUID()}.tmp.png`);
      try {
        await tab.screenshot({ path: temporary, fullPage: true });
        await rename(temporary, screenshotPath);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    }
    await context.close();
    return {
      title: measured.title,
      svgCount: measured.svgCount,
      charts: measured.charts,
      emptyCharts: measured.charts.filter((c) => !(c.width > 0 && c.height > 0 && c.marks > 0)).map((c) => c.id),
      consoleErrors,
      pageErrors,
      failedRequests,
      ...(screenshotPath !== undefined ? { screenshotPath } : {}),
      executablePath,
    };
  } finally {
    await browser.close();
  }
}
