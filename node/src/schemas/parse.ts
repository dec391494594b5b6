// Turns a zod failure into our ValidationError (400 with every issue).
import type { z } from "zod";

import { ValidationError } from "../errors/request.js";

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ValidationError({ issues: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
}
