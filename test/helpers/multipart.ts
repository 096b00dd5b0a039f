export { buildMultipart, maskitBody, type Part } from "@/lib/senders/multipart-body.ts";
