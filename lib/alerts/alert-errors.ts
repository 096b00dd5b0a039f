/** Input an operator can fix (a duplicate name, an unknown channel); its message is shown as it is. */
export class AlertInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AlertInputError";
  }
}
