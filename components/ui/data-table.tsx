import { CELL, HEAD_CELL, MOBILE_LABEL, ROW, TABLE, TABLE_FRAME, TBODY, THEAD } from "@/components/users/table-classes.ts";

// The operator table (components/users/table-classes.ts) as a component: a header row, and each
// row's cells with the label a phone shows above the value (on a phone a row is a card).

export interface Column<T> {
  label: string;
  /** Extra classes for the cells, e.g. `max-sm:col-span-2` for a wide one. */
  className?: string;
  /** No label above the value on a phone (buttons say what they do). */
  isUnlabelledOnPhone?: boolean;
  cell(row: T): React.ReactNode;
}

export function DataTable<T>({ label, columns, rows, rowKey }: { label?: string; columns: Array<Column<T> | false>; rows: T[]; rowKey(row: T): string }) {
  const shown = columns.filter((column): column is Column<T> => Boolean(column));
  return (
    <div className={TABLE_FRAME}>
      <table className={TABLE} aria-label={label}>
        <thead className={THEAD}>
          <tr>
            {shown.map((column) => (
              <th key={column.label} className={HEAD_CELL}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={TBODY}>
          {rows.map((row) => (
            <tr key={rowKey(row)} className={ROW}>
              {shown.map((column) => (
                <td key={column.label} className={`${CELL} ${column.className ?? ""}`}>
                  {!column.isUnlabelledOnPhone && <span className={MOBILE_LABEL}>{column.label}</span>}
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
