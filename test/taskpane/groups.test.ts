/*
 * Members and their groups as the compare and multi-stage screens read them: typed lines
 * ("Stage: a, b") and cells pasted from Excel ([member, group]), with every refusal naming
 * the line.
 */
import { groupNames, groupsText, parseGroups, GroupsError } from '../../src/taskpane/multistage/groups';

const parse = (text: string) => parseGroups(text, 'Stages', 'contributor', 'stage');

test('typed lines and pasted cells, a header skipped, blank lines ignored, a group spelt as first seen', () => {
  const entries = parse('Contributor\tStage\nArchive\tData\n\ndata: Library\nModel: Lab');
  expect(entries).toEqual([
    { member: 'Archive', group: 'Data', line: 2 },
    { member: 'Library', group: 'Data', line: 4 },
    { member: 'Lab', group: 'Model', line: 5 },
  ]);
  expect(groupNames(entries)).toEqual(['Data', 'Model']);
  expect(groupsText(entries)).toBe('Data: Archive, Library\nModel: Lab');
});

describe('refusals name the line', () => {
  const cases: Array<[string, string, string]> = [
    ['no colon and no tab', 'Data: A\nModel Lab', 'Stages, line 2: write "stage: contributor, contributor" or paste two columns (contributor, stage) from Excel'],
    ['an empty stage name', ': A', 'Stages, line 1: the stage name before ":" is empty'],
    ['a stage without contributors', 'Data:  ', 'Stages, line 1: stage "Data" lists no contributors'],
    ['an empty name between commas', 'Data: A,, B', 'Stages, line 1: an empty contributor name between commas'],
    ['three pasted cells', 'A\tData\tExtra', 'Stages, line 1: expected two cells (contributor, stage), got 3'],
    ['a pasted row without stage', 'A\t', 'Stages, line 1: "A" has no stage'],
    ['a pasted row without name', '\tData', 'Stages, line 1: a contributor name is empty'],
    ['a name with a coalition separator', 'A+B\tData', 'Stages, line 1: "A+B" contains , ; + { or }, which coalition labels use between names'],
    ['a member twice, in any case', 'Data: Archive\nModel: ARCHIVE', 'Stages, line 2: "ARCHIVE" is already in stage "Data" (line 1); each contributor belongs to one stage'],
  ];
  test.each(cases)('%s', (_, text, message) => {
    expect(() => parse(text)).toThrow(GroupsError);
    expect(() => parse(text)).toThrow(message);
  });
});
