/*
 * The multi-stage form's reading: the ownership table's refusals (each naming its line), a
 * pasted coalition table given in another player order (remapped to the contributors' order,
 * checked against the values written here by hand), and the grid's and companion's limits.
 */
import { GroupsError } from '../../src/taskpane/multistage/groups';
import { emptyMultiStageDraft, parseOwnership, validateMultiStage, type Contributor } from '../../src/taskpane/multistage/multiStageModel';

const CONTRIBUTORS: Contributor[] = [
  { name: 'Archive', stage: 'Data' },
  { name: 'Lab', stage: 'Model' },
];

describe('ownership refusals name the line', () => {
  const cases: Array<[string, string, string]> = [
    ['two cells', 'Archive\tLe Monde', 'Ownership, line 1: expected three cells (work, rightholder, share) separated by tabs or ";", got 2'],
    ['an empty work', '\tLe Monde\t1', 'Ownership, line 1: the work is empty'],
    ['no rightholder', 'Archive; ; 1', 'Ownership, line 1: "Archive" has no rightholder'],
    ['a share that is no number', 'Lab\tLab\t1\nArchive\tLe Monde\tall', 'Ownership, line 2: the share "all" is not a number (write 0.6 or 60%)'],
    ['a negative share', 'Archive\tLe Monde\t-0.5', 'Ownership, line 1: the share -0.5 is negative'],
  ];
  test.each(cases)('%s', (_, text, message) => {
    expect(() => parseOwnership(text, CONTRIBUTORS)).toThrow(GroupsError);
    expect(() => parseOwnership(text, CONTRIBUTORS)).toThrow(message);
  });

  test('percent signs and case-insensitive works are read', () => {
    expect(parseOwnership('archive\tLe Monde\t60%\nARCHIVE\tRingier\t40 %\nLab\tLab\t1', CONTRIBUTORS)).toEqual([
      { work: 'Archive', rightholder: 'Le Monde', share: 0.6 },
      { work: 'Archive', rightholder: 'Ringier', share: 0.4 },
      { work: 'Lab', rightholder: 'Lab', share: 1 },
    ]);
  });
});

test('a pasted table in another order is remapped to the contributors’ order', () => {
  const result = validateMultiStage({
    ...emptyMultiStageDraft(),
    stagesText: 'Data: Archive\nModel: Lab',
    valuesMode: 'paste',
    // Lab first here: the table's own player order is Lab, Archive.
    tableText: 'Lab\t10\nArchive\t0\nLab,Archive\t40',
    ownershipText: 'Archive\tA\t1\nLab\tL\t1',
  });
  expect(result.issues).toEqual([]);
  // Contributors' masks: bit 0 = Archive, bit 1 = Lab.
  expect(result.inputs?.coalitions).toEqual({ kind: 'table', values: [0, 0, 10, 40], source: 'pasted cells' });
});

test('the grid stops at 8 contributors, and a sampled result must match the stages', () => {
  const nine = Array.from({ length: 9 }, (_, i) => `P${i + 1}`).join(', ');
  const grid = validateMultiStage({ ...emptyMultiStageDraft(), stagesText: `Data: ${nine}` });
  expect(grid.issues.find((i) => i.field === 'values')?.message).toBe(
    'Coalition values: 9 contributors make 512 coalitions, too many to type; paste a table or value a file on the companion',
  );
  const stale = validateMultiStage({
    ...emptyMultiStageDraft(),
    stagesText: 'Data: Archive\nModel: Lab',
    valuesMode: 'file',
    sampled: { file: 'f.npy', jobId: 'j', seed: 1, permutations: 10, values: [1, 2], engineVersion: '0.1.0', backend: 'cpu', contributors: ['Lab', 'Archive'] },
  });
  expect(stale.issues.find((i) => i.field === 'values')?.message).toBe('Coalition values: the stages changed since the file was valued; run it on the companion again');
});
