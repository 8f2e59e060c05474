/*
 * Runs first in the functions bundle (webpack.config.js puts it before functions.ts). The
 * custom-functions-metadata-plugin loader appends `CustomFunctions.associate(...)` calls to
 * functions.ts, and office.js defines CustomFunctions only inside Office: in a plain browser
 * (the pane opened on its own, the browser tests) those calls threw "CustomFunctions is not
 * defined" before the task pane bundle ran. Where office.js has defined it, nothing changes.
 *
 * The stand-in only records the ids it is given, so that a page outside Office can still tell
 * which functions the bundle would have registered.
 */

interface CustomFunctionsStandIn {
  associate(id: string, implementation: unknown): void;
  /** The ids associated so far, in order (stand-in only). */
  readonly registeredIds: string[];
}

const scope = globalThis as unknown as { CustomFunctions?: unknown };

if (typeof scope.CustomFunctions === 'undefined') {
  const registeredIds: string[] = [];
  const standIn: CustomFunctionsStandIn = {
    associate(id: string) {
      registeredIds.push(id);
    },
    registeredIds,
  };
  scope.CustomFunctions = standIn;
}

export {};
