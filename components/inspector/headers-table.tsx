import { Missing } from "./section.tsx";

// The request headers as stored: the receiver redacted credentials (Authorization, cookies)
// before storing them; signatures are kept, since they are what the inspector explains.

export function HeadersTable({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <Missing>No headers were recorded.</Missing>;
  return (
    <table className="w-full text-left text-xs max-sm:block">
      <caption className="sr-only">Request headers</caption>
      <thead className="text-slate-500 max-sm:sr-only">
        <tr>
          <th scope="col" className="py-1 pr-4 font-medium">
            Name
          </th>
          <th scope="col" className="py-1 font-medium">
            Value
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 font-mono max-sm:block">
        {entries.map(([name, value]) => (
          <tr key={name} className="align-top max-sm:block max-sm:py-2">
            <th scope="row" className="py-1.5 pr-4 font-medium whitespace-nowrap text-slate-700 max-sm:block max-sm:py-0">
              {name}
            </th>
            <td className="py-1.5 break-all text-slate-900 max-sm:block max-sm:py-0">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
