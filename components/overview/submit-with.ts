import { startTransition, type FormEvent } from "react";

/**
 * A form's onSubmit that calls a useActionState action without React's reset of the form
 * after it (which a `<form action>` gets): what the operator typed stays after an error, and
 * fields keyed by the saved value show it after a success.
 */
export function submitWith(action: (form: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => action(form));
  };
}
