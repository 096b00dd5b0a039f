"use client";

import { useEffect, useState } from "react";
import { SIGNED_OUT_EVENT } from "./use-delivery-events.ts";

/** Tells someone watching a live page that it stopped because they were signed out. */
export function SignedOutNotice() {
  const [isSignedOut, setIsSignedOut] = useState(false);
  useEffect(() => {
    const show = () => setIsSignedOut(true);
    window.addEventListener(SIGNED_OUT_EVENT, show);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, show);
  }, []);
  if (!isSignedOut) return null;
  const next = typeof window === "undefined" ? "/gallery" : `${window.location.pathname}${window.location.search}`;
  return (
    <div role="alert" className="mx-auto mt-4 max-w-7xl rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      You were signed out (the session ended, or your access was revoked), so this page no longer updates.{" "}
      <a href={`/sign-in?next=${encodeURIComponent(next)}`} className="font-medium underline underline-offset-2">
        Sign in again
      </a>
    </div>
  );
}
