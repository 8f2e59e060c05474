import { RIGHTSMAP } from '../../src/functions/rightsMap';
import { callFunction, FUNCTIONS, signatureOf } from '../../src/functions/registry';
import { expectFunctionError } from './expectError';

const amounts = [
  ['work', 'amount'],
  ['Novel', 100],
  ['Photos', 50],
];
const ownership = [
  ['work', 'rightholder', 'share'],
  ['Novel', 'Heir A', 0.3333],
  ['Novel', 'Heir B', 0.3333],
  ['Novel', 'Heir C', 0.3334],
  ['', '', ''],
  ['photos', 'Agency', '60%'],
  ['PHOTOS', 'heir a', 0.4],
];

describe('RIGHTSMAP', () => {
  test('passes the amounts on by shares (by hand: 33.33 + 20, 33.33, 33.34, 30), headers and blank rows skipped', () => {
    expect(RIGHTSMAP(amounts, ownership)).toEqual([
      ['Heir A', 53.33],
      ['Heir B', 33.33],
      ['Heir C', 33.34],
      ['Agency', 30],
    ]);
  });

  test('decimals 0: the leftover unit goes to the largest remainder (Heir C, .34)', () => {
    expect(RIGHTSMAP(amounts, ownership, 0)).toEqual([
      ['Heir A', 53],
      ['Heir B', 33],
      ['Heir C', 34],
      ['Agency', 30],
    ]);
  });

  test('equal remainders go to the earlier rightholder; an empty decimals cell means 2', () => {
    const third = 1 / 3;
    expect(RIGHTSMAP([['W', 100]], [['W', 'X', third], ['W', 'Y', third], ['W', 'Z', third]], '')).toEqual([
      ['X', 33.34],
      ['Y', 33.33],
      ['Z', 33.33],
    ]);
  });

  test('owners of a work that was attributed nothing get a row with 0', () => {
    expect(RIGHTSMAP([['A', 10], ['Unowned', 0]], [['A', 'P', 1], ['B', 'Q', 1]])).toEqual([
      ['P', 10],
      ['Q', 0],
    ]);
  });

  test('errors name the argument, the row and the work', () => {
    expectFunctionError(() => RIGHTSMAP(amounts, [['Novel', 'X', 1]]), '#N/A', 'amounts, row 3', '"Photos" has no owner in ownership');
    expectFunctionError(() => RIGHTSMAP([['A', -5]], [['A', 'P', 1]]), '#VALUE!', 'amounts, row 1', '"A" must be a finite number ≥ 0');
    expectFunctionError(() => RIGHTSMAP([['A', 5], ['a', 6]], [['A', 'P', 1]]), '#VALUE!', 'amounts, row 2', '"A" is listed twice');
    expectFunctionError(() => RIGHTSMAP([['A', 5], ['', 6]], [['A', 'P', 1]]), '#VALUE!', 'amounts, row 2', 'empty work name');
    expectFunctionError(() => RIGHTSMAP([['A', 5], ['B', 'lots']], [['A', 'P', 1]]), '#VALUE!', 'amounts, row 2', 'expected a number');
    expectFunctionError(() => RIGHTSMAP([['A']], [['A', 'P', 1]]), '#VALUE!', 'amounts', 'expected 2 columns [work, amount], got 1 column');
    expectFunctionError(() => RIGHTSMAP([['A', 5]], [['A', 'P']]), '#VALUE!', 'ownership', 'expected 3 columns [work, rightholder, share], got 2 columns');
    expectFunctionError(() => RIGHTSMAP([['A', 5]], [['work', 'holder', 'share']]), '#VALUE!', 'ownership', 'no rows');
    expectFunctionError(() => RIGHTSMAP([['A', 5]], [['A', 'P', 0.5], ['', 'Q', 0.5]]), '#VALUE!', 'ownership, row 2', 'empty work name');
    expectFunctionError(() => RIGHTSMAP([['A', 5]], [['A', 'P', 0.5], ['A', '', 0.5]]), '#VALUE!', 'ownership, row 2', 'empty rightholder name for "A"');
    expectFunctionError(() => RIGHTSMAP([['A', 5]], [['A', 'P', 0.5], ['A', 'Q', 'half']]), '#VALUE!', 'ownership, row 2', 'expected a number');
    expectFunctionError(() => RIGHTSMAP([['A', 5]], [['A', 'P', 1.2], ['A', 'Q', -0.2]]), '#VALUE!', 'ownership, row 2', 'share of "Q" in "A"');
    expectFunctionError(() => RIGHTSMAP([['A', 5]], [['h', 'h', 'h'], ['B', 'P', 1], ['A', 'P', 0.5], ['a', 'Q', 0.4]]), '#VALUE!', 'ownership, row 3', 'the shares of "A" sum to 0.9, not 1');
    expectFunctionError(() => RIGHTSMAP([['A', 5]], [['A', 'P', 1]], 1.5), '#VALUE!', 'decimals', 'integer from 0 to 10');
    expectFunctionError(() => RIGHTSMAP([['A', 5]], [['A', 'P', 1]], 'two'), '#VALUE!', 'decimals', 'expected a number');
  });

  test('is in the registry', () => {
    expect(signatureOf(FUNCTIONS.RIGHTSMAP)).toBe('RIGHTSMAP(amounts, ownership, [decimals])');
    expect(callFunction(FUNCTIONS.RIGHTSMAP, [amounts, ownership])).toEqual(RIGHTSMAP(amounts, ownership));
  });
});
