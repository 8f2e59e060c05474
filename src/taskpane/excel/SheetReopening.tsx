/*
 * What every screen that writes a partage sheet does with the sheets it wrote before: on opening,
 * the active sheet's stored inputs are loaded into the form (so reopening the pane on a sheet
 * edits it); when the user later activates another such sheet, it is only offered, never loaded
 * unasked, since the form may hold work in progress.
 */
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { WorkbookAccess } from './workbook';

export interface StoredSheet {
  readonly sheetName: string;
}

export interface SheetReopening<T extends StoredSheet> {
  /** Another sheet of this kind, activated after the form was filled; undefined when none. */
  readonly offer: T | undefined;
  /** Loads the offered sheet into the form. */
  readonly edit: (found: T) => void;
}

/**
 * `readActive` reads the active sheet's stored inputs (undefined when it is not of this kind);
 * `load` puts them into the form; `editing` is the sheet the form edits now; `onReadError`
 * reports a sheet that could not be read on opening. Nothing runs while `workbookReason` says
 * the workbook is unavailable.
 */
export function useSheetReopening<T extends StoredSheet>(
  workbook: WorkbookAccess,
  workbookReason: string | undefined,
  readActive: (context: Excel.RequestContext) => Promise<T | undefined>,
  load: (found: T) => void,
  editing: string | undefined,
  onReadError: (message: string) => void,
): SheetReopening<T> {
  const [offer, setOffer] = useState<T | undefined>(undefined);
  // Read when a sheet activation is answered, after any insert that happened meanwhile.
  const editingNow = useRef(editing);
  editingNow.current = editing;
  // The callbacks change on every render of most screens; the effects must not re-run for that.
  const latest = useRef({ readActive, load, onReadError });
  latest.current = { readActive, load, onReadError };

  useEffect(() => {
    if (workbookReason !== undefined) return undefined;
    let live = true;
    workbook.run((context) => latest.current.readActive(context)).then(
      (found) => {
        if (live && found !== undefined) {
          setOffer(undefined);
          latest.current.load(found);
        }
      },
      (error: unknown) => {
        if (live) latest.current.onReadError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      live = false;
    };
  }, [workbook, workbookReason]);

  useEffect(() => {
    if (workbookReason !== undefined || workbook.onSheetActivated === undefined) return undefined;
    return workbook.onSheetActivated(() => {
      workbook.run((context) => latest.current.readActive(context)).then(
        (found) => setOffer(found !== undefined && found.sheetName !== editingNow.current ? found : undefined),
        () => setOffer(undefined),
      );
    });
  }, [workbook, workbookReason]);

  const edit = (found: T): void => {
    setOffer(undefined);
    latest.current.load(found);
  };
  return { offer, edit };
}

/** The offer of another sheet ("Sheet "X" holds a press calculation." · Edit it). */
export function SheetOffer<T extends StoredSheet>({ reopening, holds, testId }: { reopening: SheetReopening<T>; holds: string; testId: string }): JSX.Element | null {
  const { offer, edit } = reopening;
  if (offer === undefined) return null;
  return (
    <MessageBar intent="info" data-testid={`${testId}-offer`}>
      <MessageBarBody>
        Sheet "{offer.sheetName}" holds {holds}.
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={() => edit(offer)} data-testid={`${testId}-offer-edit`}>
          Edit it
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}

/** The cells of a stored sheet that could not be read back, when there are any. */
export function SheetWarnings({ warnings, testId }: { warnings: readonly string[]; testId: string }): JSX.Element | null {
  if (warnings.length === 0) return null;
  return (
    <MessageBar intent="warning" data-testid={`${testId}-warnings`}>
      <MessageBarBody>
        <MessageBarTitle>Some cells of the sheet could not be read</MessageBarTitle>
        {warnings.join(' · ')}
      </MessageBarBody>
    </MessageBar>
  );
}
