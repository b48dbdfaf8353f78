import { describe, expect, it } from 'vitest';
import { prepareSvgForInlining, UnsafeSvgError } from './render-svg.js';

describe('prepareSvgForInlining', () => {
  it('drops xmlns and renames ids and their references in order of appearance', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><linearGradient id="gradient_7"/>' +
      '<clipPath id="clip3"/></defs><rect fill="url(#gradient_7)" clip-path="url(#clip3)"/><use href="#clip3"/></svg>';
    expect(prepareSvgForInlining(svg, 'p')).toBe(
      '<svg><defs><linearGradient id="p-0"/><clipPath id="p-1"/></defs><rect fill="url(#p-0)" clip-path="url(#p-1)"/><use href="#p-1"/></svg>',
    );
  });

  it('refuses scripts, foreign content, event handlers and external links', () => {
    for (const bad of [
      '<svg><script>x</script></svg>',
      '<svg><foreignObject></foreignObject></svg>',
      '<svg><rect onclick="x()"/></svg>',
      '<svg><image href="https://example.org/a.png"/></svg>',
    ]) {
      expect(() => prepareSvgForInlining(bad, 'p'), bad).toThrow(UnsafeSvgError);
    }
    // Text that merely looks like an attribute is fine.
    expect(prepareSvgForInlining('<svg><text>one=1 href="x"</text></svg>', 'p')).toContain('one=1');
  });
});
