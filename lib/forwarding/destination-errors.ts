export class DestinationNotFoundError extends Error {
  constructor(ref: string) {
    super(`no destination "${ref}"`);
    this.name = "DestinationNotFoundError";
  }
}
