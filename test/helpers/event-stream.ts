// Reads a Server-Sent Events stream over fetch, the way a browser's EventSource would, and
// lets a test wait for the events it expects.

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export function openEventStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  let onConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  // Ready once the server says ": connected" (app/api/events/route.ts: it is LISTENing by then).
  const ready = fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: controller.signal }).then(async (response) => {
    if (response.status !== 200) throw new Error(`event stream answered ${response.status}`);
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.split("\n").includes(": connected")) onConnected();
            const event: SseEvent = { data: "" };
            for (const line of block.split("\n")) {
              const [field, ...rest] = line.split(":");
              const value = rest.join(":").replace(/^ /, "");
              if (field === "id") event.id = value;
              else if (field === "event") event.event = value;
              else if (field === "data") event.data += value;
            }
            if (event.event) {
              events.push(event);
              for (const wake of waiters.splice(0)) wake();
            }
          }
        }
      } catch {
        // aborted by close()
      }
      onConnected(); // a stream that ended before it said so: the test's own waits fail
    })();
    await connected;
    return response;
  });
  return {
    ready,
    events,
    /** Resolves with the first event matching `predicate`, or rejects after `timeoutMs`. */
    async waitFor(predicate: (event: SseEvent) => boolean, timeoutMs = 5000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => controller.abort(),
  };
}
