/**
 * What jsdom lacks and Fluent UI needs, for every test that renders the pane: ResizeObserver
 * (Fluent's overflow and positioning observe sizes; jsdom lays nothing out, so nothing changes).
 */
class NoResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

if (typeof window !== 'undefined') (globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoResizeObserver;
