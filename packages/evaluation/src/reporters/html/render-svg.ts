import { RetainError } from '@retain/core';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A chart rendered to SVG contained something a static report must not (script, foreign content, external link). */
export class UnsafeSvgError extends RetainError {
  constructor(what: string) {
    super('ERR_UNSAFE_SVG', `rendered chart contains ${what}`);
  }
}

function offlineLoader(): vega.Loader {
  const loader = vega.loader();
  const refuse = (uri: string): Promise<never> => Promise.reject(new RetainError('ERR_OFFLINE_REPORT', `charts load nothing, refused ${uri}`));
  loader.load = refuse;
  loader.sanitize = refuse;
  return loader;
}

/**
 * Makes a rendered SVG fit for inlining in an HTML page next to other charts:
 * drops the `xmlns` declarations (HTML parsers put inline SVG in the SVG
 * namespace themselves) and renames every `id` to `<prefix>-<k>` (k in order
 * of appearance, references updated), so ids are unique across charts and do
 * not depend on vega's process-wide counters.
 */
export function prepareSvgForInlining(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = match[1];
    if (id !== undefined && !ids.has(id)) ids.set(id, `${prefix}-${ids.size}`);
  }
  const rename = (id: string): string => ids.get(id) ?? id;
  const result = svg
    .replace(/\sxmlns(:\w+)?="[^"]*"/g, '')
    .replace(/(\sid=")([^"]+)"/g, (_, start: string, id: string) => `${start}${rename(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${rename(id)})`)
    .replace(/(\s(?:xlink:)?href=")#([^"]+)"/g, (_, start: string, id: string) => `${start}#${rename(id)}"`);
  if (/<script/i.test(result)) throw new UnsafeSvgError('a <script> element');
  if (/<foreignObject/i.test(result)) throw new UnsafeSvgError('a <foreignObject> element');
  if (/<[^>]*\son\w+\s*=/i.test(result)) throw new UnsafeSvgError('an event-handler attribute');
  if (/<[^>]*\s(?:xlink:)?(?:href|src)\s*=\s*"(?!#)/i.test(result)) throw new UnsafeSvgError('a link to an external resource');
  return result;
}

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string in Node with a
 * headless vega View (renderer 'none', nothing loaded), prepared for inlining
 * under the id prefix `prefix`.
 */
export async function renderChartSvg(spec: TopLevelSpec, prefix: string): Promise<string> {
  const runtime = vega.parse(compile(spec).spec);
  const view = new vega.View(runtime, { renderer: 'none', loader: offlineLoader() });
  try {
    return prepareSvgForInlining(await view.toSVG(), prefix);
  } finally {
    view.finalize();
  }
}
