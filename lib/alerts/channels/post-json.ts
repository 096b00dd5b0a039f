/** POSTs JSON and treats anything but a 2xx as a failure; the body of an error answer is not read past a little. */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", "user-agent": "webhook-inbox-alerts", ...headers },
    // A redirect could lead the POST somewhere the operator never configured.
    redirect: "error",
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ").trim();
  throw new Error(`answered ${response.status}${text ? `: ${text}` : ""}`);
}
