/** A page's title and the sentence under it. */
export function PageHeader({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div>
      <h1 className="text-lg font-semibold">{title}</h1>
      {children && <p className="mt-1 text-sm text-slate-500">{children}</p>}
    </div>
  );
}
