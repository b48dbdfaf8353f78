import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGridOption, parseNameList, parseSeedList, splitTopLevel } from './option-parsing.js';

describe('splitTopLevel', () => {
  it('splits on commas outside brackets, braces and strings', () => {
    expect(splitTopLevel('2,4,8')).toEqual(['2', '4', '8']);
    expect(splitTopLevel('[100,100], [200] ,{"a":1,"b":[2,3]},"x,y"')).toEqual(['[100,100]', '[200]', '{"a":1,"b":[2,3]}', '"x,y"']);
    expect(splitTopLevel('"a\\",b",c')).toEqual(['"a\\",b"', 'c']);
  });

  it('inverts joining JSON values with commas', () => {
    const json = fc.jsonValue({ maxDepth: 2 }).map((item) => JSON.stringify(item));
    fc.assert(fc.property(fc.array(json, { minLength: 1, maxLength: 5 }), (values) => {
      expect(splitTopLevel(values.join(','))).toEqual(values);
    }));
  });
});

describe('parseSeedList', () => {
  it('reads lists and inclusive ranges', () => {
    expect(parseSeedList('0')).toEqual([0]);
    expect(parseSeedList('0,1,2')).toEqual([0, 1, 2]);
    expect(parseSeedList('0-4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseSeedList('3-4, 10')).toEqual([3, 4, 10]);
  });

  it('refuses negatives, reversed ranges, repeats and junk', () => {
    expect(() => parseSeedList('-1')).toThrow(/--seeds/);
    expect(() => parseSeedList('4-2')).toThrow(/low to high/);
    expect(() => parseSeedList('0,0-2')).toThrow(/0 repeats/);
    expect(() => parseSeedList('a')).toThrow(/seeds like/);
    expect(() => parseSeedList('')).toThrow(/seeds like/);
  });
});

describe('parseGridOption', () => {
  it('reads a path and its values', () => {
    expect(parseGridOption('strategy.options.bits=2,4,8')).toEqual({ path: 'strategy.options.bits', values: ['2', '4', '8'] });
    expect(parseGridOption('model.hiddenSizes=[100,100],[200]')).toEqual({ path: 'model.hiddenSizes', values: ['[100,100]', '[200]'] });
    expect(parseGridOption('strategy.name=packnet')).toEqual({ path: 'strategy.name', values: ['packnet'] });
  });

  it('refuses a missing path, empty or repeated values', () => {
    expect(() => parseGridOption('2,4')).toThrow(/--grid/);
    expect(() => parseGridOption('=2')).toThrow(/--grid/);
    expect(() => parseGridOption('a.b=2,,4')).toThrow(/non-empty values/);
    expect(() => parseGridOption('a.b=2,2')).toThrow(/each value once/);
  });
});

describe('parseNameList', () => {
  it('splits names and refuses empty ones', () => {
    expect(parseNameList('--strategies', 'ada-qpacknet, packnet')).toEqual(['ada-qpacknet', 'packnet']);
    expect(() => parseNameList('--strategies', 'a,,b')).toThrow(/--strategies/);
  });
});
