// Placeholders for a multi-row VALUES list: valuesList(2, 3) is "($1, $2, $3), ($4, $5, $6)".
// Statements that write a whole batch of rows in one round trip are built with it; their text
// depends only on the row count, so each shape can be a named (once-parsed) statement.
// `types` casts each column, for a VALUES list that is not the direct source of an INSERT (and
// so does not take its types from the target columns).

export function valuesList(rowCount: number, columnCount: number, firstParameter = 1, types: string[] = []): string {
  const rows: string[] = [];
  for (let row = 0; row < rowCount; row++) {
    const columns: string[] = [];
    for (let column = 0; column < columnCount; column++)
      columns.push(`$${firstParameter + row * columnCount + column}${types[column] ? `::${types[column]}` : ""}`);
    rows.push(`(${columns.join(", ")})`);
  }
  return rows.join(", ");
}
