// A JSON payload, pretty-printed in a box that scrolls inside itself (both ways), so that a
// wide or long payload never widens the page on a phone.

export function PayloadView({ text, label }: { text: string; label: string }) {
  return (
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label names the scrolling region for screen readers
    <pre
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to be scrolled (WCAG 2.1.1)
      tabIndex={0}
      className="max-h-[28rem] max-w-full overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs leading-relaxed text-slate-800 focus-visible:outline-2 focus-visible:outline-slate-500"
    >
      {text}
    </pre>
  );
}

export function formatPayload(payload: unknown): string {
  return JSON.stringify(payload, null, 2);
}
