/** Said wherever the inspector shows anything of a body whose signature did not verify. */
export function UnverifiedNote() {
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold uppercase tracking-wide text-amber-900">Unverified</span>
      <span>Anyone could have sent this: it is shown to explain the failure, not as a delivery to trust. Images in it are not displayed.</span>
    </span>
  );
}
