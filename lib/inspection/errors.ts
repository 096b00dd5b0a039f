// What can go wrong when an operator re-verifies or deletes deliveries. Each message is written
// to be shown to the operator as it is.

export class InspectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class DeliveryNotFoundError extends InspectionError {
  constructor() {
    super("This delivery no longer exists; it may have just been deleted.");
  }
}

/** Verified deliveries are the record of what was received; only failed and rejected ones are deleted here. */
export class DeliveryNotDeletableError extends InspectionError {
  constructor() {
    super("This delivery is verified. Only failed and rejected deliveries can be deleted here.");
  }
}

/** The set a bulk deletion would remove is no longer the one the operator confirmed. */
export class MatchCountChangedError extends InspectionError {
  constructor(readonly count: number) {
    super(`The number of matching deliveries changed to ${count} since you counted them. Check the count and confirm again.`);
  }
}
