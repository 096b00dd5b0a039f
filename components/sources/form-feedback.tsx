/** An action's outcome: an error as an alert, a success as a polite status message. */
export function FormFeedback({ error, message }: { error: string | null; message?: string | null }) {
  if (error) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
        {error}
      </p>
    );
  }
  if (message) {
    return (
      <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
        {message}
      </p>
    );
  }
  return null;
}
