// A compact number or select control that sits in a row with its unit and button (the sources
// pages' inputClass is a full-width block).
export const compactControlClass =
  "h-9 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 focus:border-slate-500 focus:outline-none focus:ring-1 focus:ring-slate-500 disabled:bg-slate-100 disabled:text-slate-400";
