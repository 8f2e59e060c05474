/*
 * Offline checks of manifest.xml, and of the production manifest webpack derives from it.
 * office-addin-manifest's `validate` posts the file to a Microsoft service, so CI cannot use it;
 * these tests encode the schema rules that make Office silently refuse to load an add-in
 * (element order, dangling resource ids, non-https URLs) from the published schema and docs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { DEV_URL, normaliseProductionUrl, toProductionManifest } from '../../scripts/manifestUrls';

const ROOT = path.resolve(__dirname, '..', '..');
const MANIFEST_PATH = path.join(ROOT, 'manifest.xml');
const SOURCE = fs.readFileSync(MANIFEST_PATH, 'utf8');
const PROD_URL = 'https://partage.test.invalid/addin/';

const NS = {
  officeApp: 'http://schemas.microsoft.com/office/appforoffice/1.1',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  bt: 'http://schemas.microsoft.com/office/officeappbasictypes/1.0',
  overrides: 'http://schemas.microsoft.com/office/taskpaneappversionoverrides',
};

/*
 * Order of the children of <OfficeApp xsi:type="TaskPaneApp">: the xs:sequence of the OfficeApp
 * complex type followed by that of its TaskPaneApp extension (OfficeAppManifestV1_1.xsd), as
 * listed in "How to find the proper order of manifest elements",
 * https://learn.microsoft.com/office/dev/add-ins/develop/manifest-element-ordering
 * An element out of this order makes the manifest invalid and the add-in does not load.
 */
const OFFICE_APP_ORDER = [
  'Id',
  'AlternateId',
  'Version',
  'ProviderName',
  'DefaultLocale',
  'DisplayName',
  'Description',
  'IconUrl',
  'HighResolutionIconUrl',
  'SupportUrl',
  'AppDomains',
  'Hosts',
  'Requirements',
  'DefaultSettings',
  'Permissions',
  'Dictionary',
  'VersionOverrides',
];
// minOccurs="1" in the same schema, for a task pane add-in.
const OFFICE_APP_REQUIRED = ['Id', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description', 'DefaultSettings', 'Permissions'];

/*
 * Nested sequences from TaskPaneAppVersionOverridesV1_0.xsd (VersionOverridesV1_0, Host and its
 * Workbook extension, FormFactor, Group, Button, ShowTaskpane, CustomFunctions) and
 * OfficeAppBasicTypesV1_0.xsd (Resources). Runtimes must come first in Host: "The <Runtimes>
 * section must be entered after the <Host> element in the exact order shown" (Configure your
 * Office Add-in to use a shared runtime).
 */
const NESTED_ORDER: Record<string, string[]> = {
  VersionOverrides: ['Description', 'Requirements', 'Hosts', 'Resources', 'WebApplicationInfo', 'EquivalentAddins'],
  Host: ['Runtimes', 'AllFormFactors', 'DesktopFormFactor'],
  DesktopFormFactor: ['GetStarted', 'FunctionFile', 'ExtensionPoint'],
  GetStarted: ['Title', 'Description', 'LearnMoreUrl'],
  Group: ['Label', 'Icon', 'Control'],
  Control: ['Label', 'Supertip', 'Icon', 'Action'],
  Supertip: ['Title', 'Description'],
  Action: ['TaskpaneId', 'SourceLocation', 'Title'],
  Resources: ['Images', 'Urls', 'ShortStrings', 'LongStrings'],
};

// Which Resources section each kind of resid reference must point into (bt:*ResourceReference
// types in the schema): a URL reference to bt:Urls, a short one to bt:ShortStrings, and so on.
const RESID_SECTION: Record<string, 'Urls' | 'ShortStrings' | 'LongStrings' | 'Images'> = {
  SourceLocation: 'Urls',
  Runtime: 'Urls',
  FunctionFile: 'Urls',
  LearnMoreUrl: 'Urls',
  Label: 'ShortStrings',
  Title: 'ShortStrings',
  Namespace: 'ShortStrings',
  Description: 'LongStrings',
  Image: 'Images',
};

// String limits from the String element reference and the schema's bt:ShortString/LongString;
// a Label is limited further to 32 characters (Control element of type Button reference).
const MAX_SHORT = 125;
const MAX_LONG = 250;
const MAX_LABEL = 32;

function parse(xml: string): { doc: Document; problems: string[] } {
  const problems: string[] = [];
  const parser = new DOMParser({ onError: (level, message) => problems.push(`${level}: ${message}`) });
  let doc: Document;
  try {
    doc = parser.parseFromString(xml, 'text/xml');
  } catch (error) {
    problems.push(String(error));
    throw new Error(`manifest is not well-formed XML:\n${problems.join('\n')}`);
  }
  return { doc, problems };
}

function childElements(parent: Element): Element[] {
  const result: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) result.push(node as Element);
  }
  return result;
}

function only(doc: Document | Element, ns: string, localName: string): Element {
  const found = Array.from(doc.getElementsByTagNameNS(ns, localName));
  if (found.length !== 1) throw new Error(`expected exactly one ${localName}, found ${found.length}`);
  return found[0];
}

function all(doc: Document | Element, ns: string, localName: string): Element[] {
  return Array.from(doc.getElementsByTagNameNS(ns, localName));
}

function xsiType(element: Element): string | null {
  return element.getAttributeNS(NS.xsi, 'type');
}

/** Names of children that break `order` (unknown, repeated out of place, or going backwards). */
function orderViolations(parent: Element, order: readonly string[]): string[] {
  const violations: string[] = [];
  let last = -1;
  for (const child of childElements(parent)) {
    const index = order.indexOf(child.localName ?? '');
    if (index < 0) violations.push(`${child.localName} is not a valid child of ${parent.localName}`);
    else if (index < last) violations.push(`${child.localName} comes after ${order[last]} in ${parent.localName}`);
    else last = index;
  }
  return violations;
}

/** resid → section (Urls, ShortStrings, ...) and value, from <Resources>. */
function resources(doc: Document): Map<string, { section: string; value: string }> {
  const map = new Map<string, { section: string; value: string }>();
  const resourcesElement = only(doc, NS.overrides, 'Resources');
  for (const section of childElements(resourcesElement)) {
    for (const entry of childElements(section)) {
      const id = entry.getAttribute('id') ?? '';
      if (map.has(id)) throw new Error(`resource id ${id} defined twice`);
      map.set(id, { section: section.localName ?? '', value: entry.getAttribute('DefaultValue') ?? '' });
    }
  }
  return map;
}

/** Resource references that point nowhere, or into the wrong Resources section. */
function residProblems(doc: Document): string[] {
  const defined = resources(doc);
  const problems: string[] = [];
  for (const element of allElements(doc).filter((e) => e.hasAttribute('resid'))) {
    const resid = element.getAttribute('resid') ?? '';
    const expected = RESID_SECTION[element.localName ?? ''];
    const actual = defined.get(resid)?.section;
    if (expected === undefined) problems.push(`${element.localName} resid="${resid}": element not expected to carry a resid`);
    else if (actual === undefined) problems.push(`${element.localName} resid="${resid}": not defined`);
    else if (actual !== expected) problems.push(`${element.localName} resid="${resid}": defined in ${actual}, needs ${expected}`);
  }
  return problems;
}

function allElements(doc: Document): Element[] {
  return Array.from(doc.getElementsByTagName('*'));
}

function urlsIn(doc: Document): string[] {
  const urls: string[] = [];
  for (const element of allElements(doc)) {
    for (const name of ['DefaultValue', 'Value']) {
      const value = element.getAttribute(name);
      if (value && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) urls.push(value);
    }
  }
  for (const domain of all(doc, NS.officeApp, 'AppDomain')) urls.push(domain.textContent ?? '');
  return urls;
}

const VARIANTS: Array<[string, string]> = [
  ['source manifest.xml', SOURCE],
  ['production manifest', toProductionManifest(SOURCE, PROD_URL)],
];

describe.each(VARIANTS)('%s', (_label, xml) => {
  const { doc, problems } = parse(xml);
  const root = doc.documentElement as Element;

  test('is well-formed XML without parser warnings', () => {
    expect(problems).toEqual([]);
  });

  test('is a TaskPaneApp in the Office app manifest 1.1 namespace, with bt and the version overrides namespace', () => {
    expect(root.localName).toBe('OfficeApp');
    expect(root.namespaceURI).toBe(NS.officeApp);
    expect(xsiType(root)).toBe('TaskPaneApp');
    expect(root.lookupNamespaceURI('bt')).toBe(NS.bt);
    const overrides = only(doc, NS.overrides, 'VersionOverrides');
    expect(overrides.parentNode).toBe(root);
    expect(xsiType(overrides)).toBe('VersionOverridesV1_0');
    // The schema defines the Resources sections in the basic types namespace only.
    for (const section of childElements(only(doc, NS.overrides, 'Resources'))) expect(section.namespaceURI).toBe(NS.bt);
  });

  test('OfficeApp children appear in the schema order and the required ones are present', () => {
    expect(orderViolations(root, OFFICE_APP_ORDER)).toEqual([]);
    const names = childElements(root).map((e) => e.localName);
    for (const name of OFFICE_APP_REQUIRED) expect(names).toContain(name);
    expect(new Set(names).size).toBe(names.length);
  });

  test('nested elements follow their schema sequences', () => {
    const violations: string[] = [];
    for (const element of allElements(doc)) {
      const order = NESTED_ORDER[element.localName ?? ''];
      // Only the version-overrides elements: OfficeApp has its own Description and Hosts.
      if (order && element.namespaceURI !== NS.officeApp) violations.push(...orderViolations(element, order));
    }
    expect(violations).toEqual([]);
  });

  test('Id is a GUID and Version has four numeric parts', () => {
    expect(only(doc, NS.officeApp, 'Id').textContent).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    // The schema allows 1 to 4 parts of up to 5 digits; Office stores and AppSource use all four.
    expect(only(doc, NS.officeApp, 'Version').textContent).toMatch(/^\d{1,5}(\.\d{1,5}){3}$/);
  });

  test('Version is the package version (each update of a published add-in needs a higher Version, so releases bump both)', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(only(doc, NS.officeApp, 'Version').textContent).toBe(`${version.replace(/[-+].*$/, '')}.0`);
  });

  test('names partage as provider and display name', () => {
    expect(only(doc, NS.officeApp, 'ProviderName').textContent).toBe('partage');
    expect(only(doc, NS.officeApp, 'DisplayName').getAttribute('DefaultValue')).toBe('partage');
    expect(only(doc, NS.officeApp, 'Permissions').textContent).toBe('ReadWriteDocument');
    expect(all(doc, NS.officeApp, 'Host').map((h) => h.getAttribute('Name'))).toEqual(['Workbook']);
  });

  test('every URL is https', () => {
    const urls = urlsIn(doc);
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(new URL(url).protocol).toBe('https:');
  });

  test('AppDomains, when present, are bare origins other than the add-in origin (AppDomain reference)', () => {
    const sourceOrigin = new URL(only(doc, NS.officeApp, 'SourceLocation').getAttribute('DefaultValue') ?? '').origin;
    for (const domain of all(doc, NS.officeApp, 'AppDomain')) {
      const text = domain.textContent ?? '';
      expect(text).toBe(new URL(text).origin);
      expect(text).not.toBe(sourceOrigin);
    }
  });

  test('every resid is defined, in the section its element requires', () => {
    expect(allElements(doc).filter((e) => e.hasAttribute('resid')).length).toBeGreaterThan(10);
    expect(residProblems(doc)).toEqual([]);
  });

  test('every resource is used, and strings fit the schema limits', () => {
    const defined = resources(doc);
    const used = new Set(allElements(doc).map((e) => e.getAttribute('resid')).filter(Boolean));
    expect([...defined.keys()].filter((id) => !used.has(id))).toEqual([]);
    for (const [id, { section, value }] of defined) {
      expect({ id, empty: value.length === 0 }).toEqual({ id, empty: false });
      if (section === 'ShortStrings') expect({ id, tooLong: value.length > MAX_SHORT }).toEqual({ id, tooLong: false });
      if (section === 'LongStrings') expect({ id, tooLong: value.length > MAX_LONG }).toEqual({ id, tooLong: false });
    }
    for (const label of all(doc, NS.overrides, 'Label')) {
      const text = defined.get(label.getAttribute('resid') ?? '')?.value ?? '';
      expect(text.length).toBeLessThanOrEqual(MAX_LABEL);
    }
    expect((only(doc, NS.officeApp, 'DisplayName').getAttribute('DefaultValue') ?? '').length).toBeLessThanOrEqual(MAX_SHORT);
    expect((only(root, NS.officeApp, 'Description').getAttribute('DefaultValue') ?? '').length).toBeLessThanOrEqual(MAX_LONG);
  });

  test('requires SharedRuntime 1.1 and CustomFunctionsRuntime 1.1', () => {
    const sets = all(doc, NS.officeApp, 'Set').map((s) => `${s.getAttribute('Name')} ${s.getAttribute('MinVersion')}`);
    expect(sets).toEqual(expect.arrayContaining(['SharedRuntime 1.1', 'CustomFunctionsRuntime 1.1']));
  });

  test('runs everything in one long-lived shared runtime loaded from taskpane.html', () => {
    const defined = resources(doc);
    const runtimes = all(doc, NS.overrides, 'Runtime');
    expect(runtimes).toHaveLength(1);
    expect(runtimes[0].getAttribute('lifetime')).toBe('long');
    const runtimeResid = runtimes[0].getAttribute('resid');
    expect(defined.get(runtimeResid ?? '')?.value).toMatch(/\/taskpane\.html$/);
    // "The shared runtime won't load if the resid uses different values in the manifest."
    const page = only(only(doc, NS.overrides, 'Page'), NS.overrides, 'SourceLocation');
    expect(page.getAttribute('resid')).toBe(runtimeResid);
    expect(only(doc, NS.overrides, 'FunctionFile').getAttribute('resid')).toBe(runtimeResid);
    expect(only(doc, NS.officeApp, 'SourceLocation').getAttribute('DefaultValue')).toBe(defined.get(runtimeResid ?? '')?.value);
  });

  test('declares the custom functions under the PARTAGE namespace with their script and metadata', () => {
    const defined = resources(doc);
    const extension = all(doc, NS.overrides, 'ExtensionPoint').filter((e) => xsiType(e) === 'CustomFunctions');
    expect(extension).toHaveLength(1);
    expect((extension[0].parentNode as Element).localName).toBe('AllFormFactors');
    expect(defined.get(only(extension[0], NS.overrides, 'Namespace').getAttribute('resid') ?? '')?.value).toBe('PARTAGE');
    const script = only(only(extension[0], NS.overrides, 'Script'), NS.overrides, 'SourceLocation');
    const metadata = only(only(extension[0], NS.overrides, 'Metadata'), NS.overrides, 'SourceLocation');
    expect(defined.get(script.getAttribute('resid') ?? '')?.value).toMatch(/\/functions\.js$/);
    expect(defined.get(metadata.getAttribute('resid') ?? '')?.value).toMatch(/\/functions\.json$/);
  });

  test('has a ribbon button labelled partage that opens the task pane', () => {
    const defined = resources(doc);
    const surface = all(doc, NS.overrides, 'ExtensionPoint').filter((e) => xsiType(e) === 'PrimaryCommandSurface');
    expect(surface).toHaveLength(1);
    const buttons = all(surface[0], NS.overrides, 'Control').filter((c) => xsiType(c) === 'Button');
    const partage = buttons.filter((b) => defined.get(only(b, NS.overrides, 'Label').getAttribute('resid') ?? '')?.value === 'partage');
    expect(partage).toHaveLength(1);
    const action = only(partage[0], NS.overrides, 'Action');
    expect(xsiType(action)).toBe('ShowTaskpane');
    const target = only(action, NS.overrides, 'SourceLocation').getAttribute('resid');
    expect(target).toBe(all(doc, NS.overrides, 'Runtime')[0].getAttribute('resid'));
    // Ribbon icons need 16, 32 and 80 px images (Icon element reference).
    for (const icon of all(surface[0], NS.overrides, 'Icon')) {
      const sizes = all(icon, NS.bt, 'Image').map((i) => i.getAttribute('size'));
      expect(sizes).toEqual(expect.arrayContaining(['16', '32', '80']));
    }
  });
});

describe('the checks themselves', () => {
  // Guard the tests above against passing vacuously: a broken manifest must be reported.
  test('reports OfficeApp children in the wrong order', () => {
    const swapped = SOURCE.replace(/(<Version>[^<]*<\/Version>)(\s*)(<ProviderName>[^<]*<\/ProviderName>)/, '$3$2$1');
    expect(swapped).not.toBe(SOURCE);
    const { doc } = parse(swapped);
    expect(orderViolations(doc.documentElement as Element, OFFICE_APP_ORDER)).toEqual(['Version comes after ProviderName in OfficeApp']);
  });

  test('reports Runtimes placed after AllFormFactors', () => {
    const runtimes = /\s*<Runtimes>[\s\S]*?<\/Runtimes>/.exec(SOURCE)?.[0] ?? '';
    expect(runtimes).not.toBe('');
    const moved = SOURCE.replace(runtimes, '').replace('</AllFormFactors>', `</AllFormFactors>${runtimes}`);
    const { doc } = parse(moved);
    expect(orderViolations(only(doc, NS.overrides, 'Host'), NESTED_ORDER.Host)).toEqual(['Runtimes comes after AllFormFactors in Host']);
  });

  test('reports a resid defined in the wrong section and one not defined at all', () => {
    const broken = SOURCE.replace('<Namespace resid="Functions.Namespace"/>', '<Namespace resid="Taskpane.Url"/>').replace(
      '<Label resid="PartageGroup.Label"/>',
      '<Label resid="Missing.Label"/>',
    );
    expect(residProblems(parse(broken).doc)).toEqual([
      'Namespace resid="Taskpane.Url": defined in Urls, needs ShortStrings',
      'Label resid="Missing.Label": not defined',
    ]);
  });
});

describe('production URL swap (scripts/manifestUrls.js, used by webpack.config.js)', () => {
  test('the source manifest serves everything from the dev server', () => {
    const { doc } = parse(SOURCE);
    for (const url of urlsIn(doc)) expect(url.startsWith(DEV_URL)).toBe(true);
  });

  test('moves every localhost URL to the production URL and leaves no localhost behind', () => {
    const production = toProductionManifest(SOURCE, PROD_URL);
    expect(production).not.toMatch(/localhost/i);
    const before = urlsIn(parse(SOURCE).doc);
    const after = urlsIn(parse(production).doc);
    expect(after).toEqual(before.map((url) => PROD_URL + url.slice(DEV_URL.length)));
    // Nothing but the URLs changes: undoing the swap gives the source back byte for byte.
    expect(production.split(PROD_URL).join(DEV_URL)).toBe(SOURCE);
  });

  test('accepts a production URL without its trailing slash', () => {
    expect(normaliseProductionUrl('https://partage.test.invalid/addin')).toBe('https://partage.test.invalid/addin/');
    expect(toProductionManifest(`<a href="${DEV_URL}x.html"/>`, 'https://h.test.invalid')).toBe('<a href="https://h.test.invalid/x.html"/>');
  });

  test.each([
    ['http://partage.test.invalid/', /https/],
    ['partage.test.invalid', /not a URL/],
    ['https://partage.test.invalid/?v=1', /plain base URL/],
    ['https://user:pw@partage.test.invalid/', /plain base URL/],
  ])('refuses %s as production URL', (url, message) => {
    expect(() => toProductionManifest(SOURCE, url)).toThrow(message);
  });
});

describe('office-addin-manifest (its offline reader, the one the sideloading tools use)', () => {
  test('reads the same identity as the XML', () => {
    // In a child Node process: office-addin-manifest depends on ES-module-only packages (uuid,
    // strip-bom) that plain Node 20 can require but jest's module runtime cannot.
    const script =
      "require('office-addin-manifest').OfficeAddinManifest.readManifestFile(process.argv[1])" +
      '.then((info) => process.stdout.write(JSON.stringify(info)), (error) => { console.error(error); process.exit(1); });';
    const info = JSON.parse(execFileSync(process.execPath, ['-e', script, MANIFEST_PATH], { cwd: ROOT, encoding: 'utf8' })) as {
      id?: string;
      officeAppType?: string;
      hosts?: string[];
      providerName?: string;
      defaultSettings?: { sourceLocation?: string };
    };
    const { doc } = parse(SOURCE);
    expect(info.id).toBe(only(doc, NS.officeApp, 'Id').textContent);
    expect(info.officeAppType).toBe('TaskPaneApp');
    expect(info.hosts).toEqual(['Workbook']);
    expect(info.providerName).toBe('partage');
    expect(info.defaultSettings?.sourceLocation).toBe(`${DEV_URL}taskpane.html`);
  });
});
