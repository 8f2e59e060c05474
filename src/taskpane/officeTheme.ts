import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';

/**
 * The Fluent theme that matches Excel's: dark when Office says its theme is dark, light
 * otherwise, including outside Office (browser tests) and in hosts that report no theme.
 */
export function fluentThemeFor(officeTheme: Pick<Office.OfficeTheme, 'isDarkTheme'> | undefined): Theme {
  return officeTheme?.isDarkTheme === true ? webDarkTheme : webLightTheme;
}

/** Office's current theme, or undefined where office.js is absent or the host has none. */
export function currentOfficeTheme(): Office.OfficeTheme | undefined {
  try {
    return typeof Office === 'undefined' ? undefined : Office.context?.officeTheme;
  } catch {
    // Some hosts throw instead of returning undefined when the theme API is unsupported.
    return undefined;
  }
}
