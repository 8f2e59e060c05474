/*
 * The JSON kept with compare and multi-stage sheets: split into 255-character parts and put
 * back together, and every way a damaged store is reported (naming the sheet and what is wrong).
 */
import { payloadFromProperties, storedSheetProperties, StoredSheetError, type StoreKind } from '../../src/taskpane/excel/sheetStore';

const KIND: StoreKind = { key: 'partage.test', version: 1, what: 'test' };

test('a long payload goes in 255-character parts and comes back whole', () => {
  const payload = { text: 'x'.repeat(600), list: [1, 2, 3] };
  const properties = storedSheetProperties(KIND, payload);
  expect(properties[0]).toEqual({ key: 'partage.test', value: JSON.stringify({ format: 'partage.test', version: 1, parts: 3 }) });
  expect(properties.slice(1).map((p) => p.key)).toEqual(['partage.test.1', 'partage.test.2', 'partage.test.3']);
  expect(properties.slice(1).every((p) => p.value.length <= 255)).toBe(true);
  // Keys are matched case-insensitively, as Excel does.
  expect(payloadFromProperties('S', KIND, properties.map((p) => ({ key: p.key.toUpperCase(), value: p.value })))).toEqual(payload);
});

test('a sheet without the header has no payload', () => {
  expect(payloadFromProperties('S', KIND, [{ key: 'partage.press', value: '{}' }])).toBeUndefined();
});

describe('damaged stores name the sheet and the problem', () => {
  const good = storedSheetProperties(KIND, { a: 1 });
  const cases: Array<[string, Array<{ key: string; value: string }>, string]> = [
    ['a header that is not JSON', [{ key: 'partage.test', value: '{' }], 'the header is not JSON'],
    ['another format', [{ key: 'partage.test', value: '{"format":"x","version":1,"parts":1}' }], 'the header is not that of partage test inputs'],
    ['another version', [{ key: 'partage.test', value: '{"format":"partage.test","version":2,"parts":1}' }], 'they were written by another partage (format version 2); update the add-in'],
    ['a missing part', [good[0]], 'part 1 of 1 is missing'],
    ['parts that are not JSON', [good[0], { key: 'partage.test.1', value: '{"format"' }], 'the stored text is not JSON'],
    ['parts of another format', [good[0], { key: 'partage.test.1', value: '{"format":"x","inputs":{}}' }], 'unexpected content'],
  ];
  test.each(cases)('%s', (_, items, detail) => {
    const read = () => payloadFromProperties('Compare 2', KIND, items);
    expect(read).toThrow(StoredSheetError);
    expect(read).toThrow(`The test inputs stored with sheet "Compare 2" cannot be read: ${detail}`);
  });
});
