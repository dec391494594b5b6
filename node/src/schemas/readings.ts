// Parameters of /readings/:id.
import { z } from "zod";

export const readingParams = z.strictObject({
  id: z.string().regex(/^[1-9][0-9]{0,15}$/, "expected a positive integer id").transform(Number),
});

export const readingQuery = z.strictObject({
  decrypt: z.enum(["true", "false", "1", "0"]).optional(),
});
