// Typed failures of user management, so that callers (server actions, tests) can tell an
// operator what went wrong without matching on message text.

export class LastAdminError extends Error {
  constructor(email: string) {
    super(`${email} is the only admin: make another user an admin first`);
    this.name = "LastAdminError";
  }
}

export class UserNotFoundError extends Error {
  constructor() {
    super("that user does not exist any more");
    this.name = "UserNotFoundError";
  }
}

export class SelfRemovalError extends Error {
  constructor() {
    super("you cannot remove your own account: ask another admin to do it");
    this.name = "SelfRemovalError";
  }
}
