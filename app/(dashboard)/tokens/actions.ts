"use server";

import { revalidatePath } from "next/cache";
import { z, ZodError } from "zod";
import { createApiToken } from "@/lib/auth/api-tokens.ts";
import { ForbiddenActionError, requireActionOperator } from "@/lib/auth/require-operator.ts";
import { ApiTokenAlreadyRevokedError, ApiTokenNotFoundError, revokeApiToken } from "@/lib/auth/revoke-api-token.ts";
import { clientAddress } from "@/lib/http/client-address.ts";
import { isStorageUnavailable } from "@/lib/storage/storage-errors.ts";

// Server actions of the API tokens page. A new token travels once, in the answer to the admin
// who created it; it is not stored anywhere but as a hash, and never logged.

export interface ActionState {
  status: "idle" | "success" | "error";
  message: string | null;
}

export interface CreatedToken {
  token: string;
  name: string;
  role: "admin" | "viewer";
  expiresAt: string | null;
}

export interface CreateTokenState extends ActionState {
  created: CreatedToken | null;
  /** Given back after an error, so that the form keeps what was chosen. */
  name: string;
  role: "admin" | "viewer";
  expiry: Expiry;
}

const EXPIRY_DAYS = { "30d": 30, "90d": 90, "1y": 365 } as const;
const expirySchema = z.enum(["never", "30d", "90d", "1y"], { error: "choose when the token expires" });
type Expiry = z.infer<typeof expirySchema>;

const createTokenSchema = z.object({
  name: z.string().trim().min(1, "give the token a name, e.g. the system that will use it").max(100, "a token name has at most 100 characters"),
  role: z.enum(["admin", "viewer"], { error: "choose admin or viewer" }),
  expiry: expirySchema,
});

export async function createTokenAction(_previous: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const name = String(form.get("name") ?? "").slice(0, 100);
  const role = form.get("role") === "admin" ? "admin" : "viewer";
  const expiry = expirySchema.catch("90d").parse(form.get("expiry"));
  try {
    const actor = await requireActionOperator("admin");
    const input = createTokenSchema.parse({ name: form.get("name"), role: form.get("role"), expiry: form.get("expiry") });
    const expiresAt = input.expiry === "never" ? undefined : new Date(Date.now() + EXPIRY_DAYS[input.expiry] * 24 * 60 * 60 * 1000);
    const { token, record } = await createApiToken({ name: input.name, role: input.role, expiresAt, actor, ip: await clientAddress() });
    revalidatePath("/tokens");
    return {
      status: "success",
      message: null,
      created: { token, name: record.name, role: record.role, expiresAt: record.expiresAt?.toISOString() ?? null },
      name: "",
      role: "viewer",
      expiry: "90d",
    };
  } catch (error) {
    return { status: "error", message: describeError(error), created: null, name, role, expiry };
  }
}

export async function revokeTokenAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const actor = await requireActionOperator("admin");
    const tokenId = z.uuid("that API token does not exist").parse(form.get("tokenId"));
    const token = await revokeApiToken({ tokenId, actor, ip: await clientAddress() });
    revalidatePath("/tokens");
    return { status: "success", message: `Revoked "${token.name}": it is refused from now on.` };
  } catch (error) {
    return { status: "error", message: describeError(error) };
  }
}

/** An operator-friendly sentence for what went wrong; anything unexpected is rethrown. */
function describeError(error: unknown): string {
  if (error instanceof ZodError) return sentence(error.issues.map((issue) => issue.message).join("; "));
  if (error instanceof ForbiddenActionError || error instanceof ApiTokenNotFoundError || error instanceof ApiTokenAlreadyRevokedError)
    return sentence(error.message);
  if (isStorageUnavailable(error)) return "The database is unavailable right now; nothing was changed. Try again in a moment.";
  throw error;
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
