import { useId } from "react";
import { helpClass } from "./styles.ts";

/** A labelled control whose help text is its description, not part of its name. */
export function Field({
  label,
  help,
  isOptional = false,
  children,
}: {
  label: React.ReactNode;
  help?: React.ReactNode;
  isOptional?: boolean;
  children: (control: { id: string; "aria-describedby"?: string }) => React.ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
        {isOptional && <span className="font-normal text-slate-500"> (optional)</span>}
      </label>
      {children({ id, "aria-describedby": help ? helpId : undefined })}
      {help && (
        <p id={helpId} className={helpClass}>
          {help}
        </p>
      )}
    </div>
  );
}
