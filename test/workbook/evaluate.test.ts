/* verify's evaluator on formulas whose values are worked out here (LibreOffice checks the rest). */
import { evaluateFormula, NotCheckableError } from '../../src/workbook/evaluate';
import type { ModelCell, WorkbookModel } from '../../src/workbook/model';

function model(): WorkbookModel {
  const cells = new Map<string, ModelCell>([
    ['A1', { value: 1 }],
    ['A2', { value: 2 }],
    ['A3', { value: 3 }],
    ['B1', { value: 'x' }],
  ]);
  const other = new Map<string, ModelCell>([['A1', { value: 10 }]]);
  return {
    sheets: [
      { name: 'S', cells },
      { name: 'Other sheet', cells: other },
    ],
    names: [
      { name: 'Col', scope: 'S', ref: "='S'!$A$1:$A$3" },
      { name: 'Col', scope: 'Other sheet', ref: "='Other sheet'!$A$1" },
      { name: 'Rate', ref: '=0.1' },
    ],
  };
}

const run = (formula: string, sheet = 'S') => evaluateFormula(formula, { model: model(), sheet });

describe('verify’s evaluator', () => {
  test.each([
    // x = 2, 4, 6; their sum 12.
    ['=LET(x,Col*2,SUM(x)+x)', [[14], [16], [18]]],
    ['=LET(a,2,b,a*3,a+b)', [[8]]],
    ['=ROW(Col)', [[1], [2], [3]]],
    ['=COLUMN(A1:C1)', [[1, 2, 3]]],
    ['=INDEX(Col,2)', [[2]]],
    ['=HSTACK(Col,VSTACK(4,5))', [[1, 4], [2, 5], [3, { error: '#N/A' }]]],
    ["='Other sheet'!A1+Col", [[11], [12], [13]]],
    ['=B1&A1', [['x1']]],
    ['=IF(Col>1,Col,"small")', [['small'], [2], [3]]],
  ])('%s', async (formula, expected) => {
    await expect(run(formula)).resolves.toEqual(expected);
  });

  test('NPV: the k-th value discounted k times', async () => {
    const [[npv]] = await run('=NPV(Rate,Col)');
    expect(npv).toBeCloseTo(1 / 1.1 + 2 / 1.21 + 3 / 1.331, 12);
  });

  test('a sheet-scoped name is the sheet’s own; a workbook name everywhere', async () => {
    await expect(run('=Col+Rate', 'Other sheet')).resolves.toEqual([[10.1]]);
  });

  test('PARTAGE functions are our adapters; their errors are error values', async () => {
    await expect(run('=PARTAGE.TRANSFERBASE(1000000000,0.55,0.7)')).resolves.toEqual([[385000000]]);
    await expect(run('=PARTAGE.TRANSFERBASE(1000000000,55)')).resolves.toEqual([[{ error: '#VALUE!' }]]);
    await expect(run('=_xldudf_PARTAGE_NUCLEOLUS({"A";"B";"A,B"},{0;0;10})')).resolves.toEqual([
      ['A', 5],
      ['B', 5],
    ]);
  });

  test('what it does not evaluate is named', async () => {
    await expect(run('=OFFSET(A1,1,0)')).rejects.toThrow(new NotCheckableError('uses OFFSET, which partage verify does not evaluate'));
    await expect(run('=Missing+1')).rejects.toThrow('the name Missing is not defined in the file');
    await expect(run('=A1:A2 A2:A3')).rejects.toThrow(NotCheckableError);
  });
});
