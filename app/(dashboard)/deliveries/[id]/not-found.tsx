import Link from "next/link";

export default function DeliveryNotFound() {
  return (
    <div className="mx-auto max-w-md rounded-lg border border-slate-200 bg-white p-8 text-center shadow-sm">
      <h1 className="text-lg font-semibold">No such delivery</h1>
      <p className="mt-2 text-sm text-slate-500">It may have been deleted, or the address is mistyped.</p>
      <Link href="/deliveries" className="mt-4 inline-block text-sm font-medium text-slate-900 underline underline-offset-2">
        The delivery log
      </Link>
    </div>
  );
}
