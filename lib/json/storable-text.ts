/**
 * PostgreSQL's jsonb cannot hold U+0000 nor a lone surrogate (`"\ud800"` is valid JSON, and
 * refused by jsonb): both become U+FFFD in what is shown; the raw body keeps the original bytes.
 */
export function storableText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  return wellFormed.includes("\u0000") ? wellFormed.replaceAll("\u0000", "\uFFFD") : wellFormed;
}
