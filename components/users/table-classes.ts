// One look for the operator tables: a table from `sm` up; below it each row becomes a card of
// label/value pairs, so that a 390 px phone needs no sideways scrolling. The header row stays
// for screen readers; the visible labels inside cells are for sighted phone users only.

export const TABLE_FRAME = "overflow-x-auto rounded-lg border border-slate-200 bg-white";
export const TABLE = "w-full text-sm max-sm:block";
export const THEAD = "bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500 max-sm:sr-only";
export const TBODY = "divide-y divide-slate-200 max-sm:block";
export const HEAD_CELL = "px-4 py-2 font-medium whitespace-nowrap";
export const ROW = "align-top max-sm:grid max-sm:grid-cols-2 max-sm:gap-x-4 max-sm:gap-y-2 max-sm:p-4";
export const CELL = "px-4 py-3 max-sm:p-0 max-sm:block";
export const MOBILE_LABEL = "block text-xs text-slate-500 sm:hidden";
