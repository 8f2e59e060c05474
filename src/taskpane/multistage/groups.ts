/*
 * Members and their group (a player's a priori union, a contributor's pipeline stage), typed or
 * pasted in the pane. Two forms, line by line:
 *   member<TAB>group        two cells copied from Excel ([player, union], as PARTAGE.OWEN reads them)
 *   group: member, member   typed by hand
 * A first line "Player<TAB>Union" (or Contributor/Member, Stage/Group) is a header. Messages
 * name the line (1-based, as the text box shows it).
 */

export interface GroupEntry {
  member: string;
  group: string;
  /** The line it came from (1-based). */
  line: number;
}

export class GroupsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GroupsError';
  }
}

const HEADER = /^(players?|contributors?|members?)\t+(unions?|stages?|groups?)\s*$/i;
// Characters that coalition labels use between names (coalitionTable.ts).
const SEPARATORS = /[,;+{}]/;

/**
 * Every member with its group, in the order given; `what` names the box in messages
 * ("Unions", "Stages"), `memberWord` the members ("player", "contributor").
 */
export function parseGroups(text: string, what: string, memberWord: string, groupWord: string): GroupEntry[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const entries: GroupEntry[] = [];
  const seen = new Map<string, GroupEntry>();
  // A group typed twice in different case is one group, spelt as first seen.
  const spelling = new Map<string, string>();
  const add = (member: string, typedGroup: string, line: number): void => {
    const group = typedGroup === '' ? '' : (spelling.get(typedGroup.toLowerCase()) ?? typedGroup);
    if (group !== '') spelling.set(group.toLowerCase(), group);
    const place = `${what}, line ${line}`;
    if (member === '') throw new GroupsError(`${place}: a ${memberWord} name is empty`);
    if (group === '') throw new GroupsError(`${place}: "${member}" has no ${groupWord}`);
    if (SEPARATORS.test(member)) throw new GroupsError(`${place}: "${member}" contains , ; + { or }, which coalition labels use between names`);
    const key = member.toLowerCase();
    const before = seen.get(key);
    if (before !== undefined) {
      throw new GroupsError(`${place}: "${member}" is already in ${groupWord} "${before.group}" (line ${before.line}); each ${memberWord} belongs to one ${groupWord}`);
    }
    const entry = { member, group, line };
    seen.set(key, entry);
    entries.push(entry);
  };
  lines.forEach((raw, k) => {
    const line = k + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    if (raw.includes('\t')) {
      if (entries.length === 0 && HEADER.test(trimmed)) return;
      const cells = raw.split('\t').map((c) => c.trim());
      const filled = cells.filter((c) => c !== '');
      if (filled.length > 2) throw new GroupsError(`${what}, line ${line}: expected two cells (${memberWord}, ${groupWord}), got ${filled.length}`);
      add(cells[0] ?? '', cells.slice(1).find((c) => c !== '') ?? '', line);
      return;
    }
    const colon = trimmed.indexOf(':');
    if (colon < 0) {
      throw new GroupsError(`${what}, line ${line}: write "${groupWord}: ${memberWord}, ${memberWord}" or paste two columns (${memberWord}, ${groupWord}) from Excel`);
    }
    const group = trimmed.slice(0, colon).trim();
    if (group === '') throw new GroupsError(`${what}, line ${line}: the ${groupWord} name before ":" is empty`);
    const members = trimmed
      .slice(colon + 1)
      .split(',')
      .map((m) => m.trim());
    if (members.every((m) => m === '')) throw new GroupsError(`${what}, line ${line}: ${groupWord} "${group}" lists no ${memberWord}s`);
    for (const member of members) {
      if (member === '') throw new GroupsError(`${what}, line ${line}: an empty ${memberWord} name between commas`);
      add(member, group, line);
    }
  });
  return entries;
}

/** The groups in order of first appearance. */
export function groupNames(entries: readonly GroupEntry[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const key = e.group.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(e.group);
    }
  }
  return out;
}

/** The text form "group: a, b" of entries, one line per group (for the examples and reopening). */
export function groupsText(entries: ReadonlyArray<{ member: string; group: string }>): string {
  const byGroup = new Map<string, string[]>();
  for (const e of entries) {
    const list = byGroup.get(e.group) ?? [];
    list.push(e.member);
    byGroup.set(e.group, list);
  }
  return [...byGroup].map(([group, members]) => `${group}: ${members.join(', ')}`).join('\n');
}
