"use client";

import { useId, useLayoutEffect, useRef, useState } from "react";

// A modal built on <dialog>: focus moves in and is trapped, Escape closes it, and the page
// behind is inert. Its content is remounted on every close, so a form inside starts afresh
// and a one-time secret shown in it is gone once the dialog is closed.

export function Dialog({
  trigger,
  triggerClassName,
  title,
  children,
}: {
  trigger: React.ReactNode;
  triggerClassName: string;
  title: string;
  children: (close: () => void) => React.ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [generation, setGeneration] = useState(0);
  const close = () => ref.current?.close();
  // Should the page ever be kept hidden after navigating away (Next's cacheComponents keeps
  // pages in <Activity>), a secret shown in here must not survive in the hidden DOM.
  useLayoutEffect(() => () => setGeneration((value) => value + 1), []);
  return (
    <>
      <button type="button" className={triggerClassName} onClick={() => ref.current?.showModal()}>
        {trigger}
      </button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        onClose={() => setGeneration((value) => value + 1)}
        className="m-auto w-[min(34rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-0 text-left text-sm text-slate-900 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="space-y-4 p-5">
          <h2 id={titleId} className="text-base font-semibold">
            {title}
          </h2>
          <div key={generation}>{children(close)}</div>
        </div>
      </dialog>
    </>
  );
}
