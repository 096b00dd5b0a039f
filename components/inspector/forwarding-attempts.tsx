import { DateTime } from "@/components/users/date-time.tsx";
import type { DeliveryForwarding } from "@/lib/forwarding/get-delivery-forwarding.ts";

const STATE_LABEL = { waiting: "Waiting", delivered: "Delivered", failed: "Failed" } as const;

/** Every forwarding attempt of a delivery, per destination: time, status or error, latency, answer, next retry. */
export function ForwardingAttempts({ forwarding }: { forwarding: DeliveryForwarding[] }) {
  return (
    <div className="space-y-4">
      {forwarding.map(({ destination, state, attempts }) => (
        <div key={destination.id} className="min-w-0">
          <p className="text-sm">
            <span className="font-medium">{destination.name}</span> <span className="break-all font-mono text-xs text-slate-500">{destination.url}</span> —{" "}
            <span data-forward-state={state}>{STATE_LABEL[state]}</span>
            {!destination.enabled && <span className="text-amber-800"> (destination paused)</span>}
          </p>
          {attempts.length === 0 ? (
            <p className="mt-1 text-sm text-slate-500">No attempt yet.</p>
          ) : (
            <table className="mt-2 w-full text-left text-xs">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-1 pr-3 font-medium">#</th>
                  <th className="py-1 pr-3 font-medium">When (UTC)</th>
                  <th className="py-1 pr-3 font-medium">Result</th>
                  <th className="py-1 pr-3 font-medium">Latency</th>
                  <th className="py-1 pr-3 font-medium">Answer</th>
                  <th className="py-1 font-medium">Next retry</th>
                </tr>
              </thead>
              <tbody>
                {attempts.map((attempt) => (
                  <tr key={attempt.attempt} className="border-t border-slate-100 align-top">
                    <td className="py-1 pr-3 tabular-nums">{attempt.attempt}</td>
                    <td className="py-1 pr-3 whitespace-nowrap">
                      <DateTime value={attempt.at} precision="second" />
                    </td>
                    <td className="py-1 pr-3">
                      {attempt.outcome}
                      {attempt.httpStatus !== null && attempt.httpStatus > 0 && <span className="font-mono"> HTTP {attempt.httpStatus}</span>}
                      {attempt.error && <span className="block break-words text-red-700">{attempt.error}</span>}
                    </td>
                    <td className="py-1 pr-3 tabular-nums">{attempt.latencyMs === null ? "—" : `${Math.round(attempt.latencyMs)} ms`}</td>
                    <td className="max-w-[16rem] py-1 pr-3">
                      <span className="line-clamp-3 break-all font-mono">{attempt.responseExcerpt ?? "—"}</span>
                    </td>
                    <td className="py-1 whitespace-nowrap">
                      <DateTime value={attempt.nextRetryAt} precision="second" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </div>
  );
}
