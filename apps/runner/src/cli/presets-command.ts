import { PRESETS } from '../presets/catalog.js';

/** The lines `retain presets` prints: CPU-scale presets, then paper-scale ones, each with its description. */
export function presetListing(): string {
  const all = Object.values(PRESETS);
  const width = Math.max(...all.map((p) => p.name.length));
  const section = (title: string, paperScale: boolean): string[] => [
    title,
    ...all.filter((p) => p.paperScale === paperScale).map((p) => `  ${p.name.padEnd(width)}  ${p.description}`),
  ];
  return [...section('CPU scale (2 cores, minutes):', false), '', ...section('Paper scale (full data; a GPU advised):', true), ''].join('\n');
}
