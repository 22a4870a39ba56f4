// The group record on the wire: static members plus dynamic criteria (tags, regions, environments).
import { z } from "@hono/zod-openapi";
import { DisplayName, IdString } from "../names.js";

const names = z.array(z.string().trim().min(1).max(64)).max(50);

export const GroupCreate = z
  .object({
    name: DisplayName(128),
    description: z.string().max(1024).nullish(),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "color is #rrggbb")
      .nullish(),
    tags: names.optional().openapi({ description: "dynamic criterion: servers carrying every one of these tags" }),
    regions: names.optional().openapi({ description: "dynamic criterion: servers in any of these regions" }),
    environments: names.optional().openapi({ description: "dynamic criterion: servers in any of these environments" }),
    server_ids: z.array(IdString).max(1_000).optional().openapi({ description: "static members" }),
  })
  .strict()
  .openapi("GroupCreate", { example: { name: "web-eu", color: "#2f80ed", tags: ["web"], regions: ["eu-west-1", "eu-central-1"] } });
export type GroupCreate = z.infer<typeof GroupCreate>;

export const GroupUpdate = GroupCreate.omit({ server_ids: true })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, "send at least one field to change")
  .openapi("GroupUpdate");
export type GroupUpdate = z.infer<typeof GroupUpdate>;

export const Group = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    color: z.string().nullable(),
    tags: z.array(z.string()),
    regions: z.array(z.string()),
    environments: z.array(z.string()),
    server_ids: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Group");
export type Group = z.infer<typeof Group>;

export const MemberIds = z
  .object({ server_ids: z.array(IdString).min(1).max(1_000) })
  .strict()
  .openapi("MemberIds");
export const Membership = z.object({ server_id: IdString, group_id: IdString }).strict().openapi("Membership");
