import { CopyButton } from "@/components/ui/copy-button.tsx";

/** The URL a sender posts to, selectable in one click, with a copy button. */
export function ReceiverUrlField({ url }: { url: string }) {
  return (
    <span className="flex min-w-0 items-start gap-2">
      <code className="min-w-0 break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 select-all">{url}</code>
      <span className="shrink-0 whitespace-nowrap">
        <CopyButton value={url} label="Copy URL" />
      </span>
    </span>
  );
}
