// Errors of HTTP input and authorisation (the API edge).
import { BaseError } from "./base-error.js";

export class ValidationError extends BaseError {
  override name = "ValidationError";
  override readonly code = "VALIDATION_FAILED";
  override readonly statusCode = 400;
  readonly issues: { path: string; message: string }[];
  constructor({ issues }: { issues: { path: string; message: string }[] }) {
    super("The request does not match the expected shape.", {
      metaMessages: issues.map((i) => `${i.path === "" ? "(body)" : i.path}: ${i.message}`),
    });
    this.issues = issues;
  }
}

export class UnauthorizedError extends BaseError {
  override name = "UnauthorizedError";
  override readonly code = "UNAUTHORIZED";
  override readonly statusCode = 401;
  constructor() {
    super("An operator token is required.", { details: "Send `Authorization: Bearer <operator token>`." });
  }
}

export class ReadingNotFoundError extends BaseError {
  override name = "ReadingNotFoundError";
  override readonly code = "READING_NOT_FOUND";
  override readonly statusCode = 404;
  constructor({ id }: { id: number }) {
    super(`Reading ${id} does not exist.`);
  }
}
