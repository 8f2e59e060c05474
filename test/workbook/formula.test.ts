/* Formulas as trees: read back as written, PARTAGE calls found however Excel saved them. */
import { callsOf, canonicalPartageFormula, FormulaSyntaxError, parseFormula, partageFunctionName, renderFormula } from '../../src/workbook/formula';

describe('formula trees', () => {
  test.each([
    '=SUM(A1:B2)*2',
    '=PARTAGE.LICENCEPAYMENTS(IF(RevenueHigh>Offer6_Exemption,RevenueHigh-Offer6_Exemption,0),Offer6_Rate)',
    "=PARTAGE.SHAPLEY('Deals 1'!$A$1:$B$2,{1,2;3,4},\"a,\"\"b\"\"\")",
    '=-(A1+2)%^2&"x"<>TRUE',
    '=PARTAGE.LICENCEPAYMENTS(A1:A3,0.1,,,5)',
    '=NA()+#N/A',
  ])('%s is rendered back as written', (formula) => {
    expect(renderFormula(parseFormula(formula))).toBe(formula);
  });

  test('spaces are dropped and the sign is optional', () => {
    expect(renderFormula(parseFormula(' SUM( 1 , 2 ) '))).toBe('=SUM(1,2)');
  });

  test('omitted arguments are empty expressions', () => {
    const tree = parseFormula('=PARTAGE.LICENCEPAYMENTS(A1:A3,0.1,,,5)');
    expect(tree[0].kind === 'call' && tree[0].args.map((a) => a.length)).toEqual([1, 1, 0, 0, 1]);
  });

  test('PARTAGE functions as Excel saves them: _xldudf_, the namespace with an underscore, an external-link index', () => {
    expect(['_xldudf_PARTAGE_SHAPLEY', 'PARTAGE.SHAPLEY', 'partage.shapley', '[2]!_xldudf_PARTAGE_SHAPLEY', '_xldudf_PARTAGE.SHAPLEY'].map(partageFunctionName)).toEqual(Array(5).fill('SHAPLEY'));
    expect(['SHAPLEY', 'PARTAGEX.SHAPLEY', '_xldudf_OTHER_SHAPLEY', 'SUM'].map(partageFunctionName)).toEqual([undefined, undefined, undefined, undefined]);
    expect(canonicalPartageFormula('=INDEX(_xldudf_PARTAGE_SHAPLEY(A1:A3,B1:B3),1,2)+_xldudf_PARTAGE_TRANSFERBASE(C1)')).toBe('=INDEX(PARTAGE.SHAPLEY(A1:A3,B1:B3),1,2)+PARTAGE.TRANSFERBASE(C1)');
  });

  test('calls, outermost first', () => {
    expect(callsOf(parseFormula('=SUM(PARTAGE.SHAPLEY(A1,MAX(B1)),C1)')).map((c) => c.name)).toEqual(['SUM', 'PARTAGE.SHAPLEY', 'MAX']);
  });

  test('an unclosed call is a syntax error naming the formula', () => {
    expect(() => parseFormula('=SUM(1,')).toThrow(FormulaSyntaxError);
    expect(() => parseFormula('=SUM(1,')).toThrow(/^cannot read the formula =SUM\(1,/);
  });
});
