// Browser check of the HTML report (headless Chromium via playwright-core); the lead re-exports this barrel.
export { checkReportRenders, type RenderedChart, type ReportCheck, type ReportCheckOptions } from './check-report.js';
export { chromiumCandidates, findChromium, tryFindChromium, DEBIAN_CHROMIUM } from './find-chromium.js';
export { ChromiumNotFoundError, PlaywrightUnavailableError } from './browser-errors.js';
