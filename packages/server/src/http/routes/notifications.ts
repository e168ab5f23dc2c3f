import { ErrorEnvelope, listOf, NotificationDelivery, NotificationQuery } from "@loopgate/core";
import { listNotifications } from "../../app/notification-read.ts";
import type { RouteTable } from "../route-table.ts";

/** `GET /v1/notifications`: the outbox of review notifications, to see what was sent and what failed. */
export function notificationRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: "get",
      path: "/v1/notifications",
      summary:
        "Notification deliveries, oldest first; ?status=failed lists those given up on (owners and auditors)",
      tag: "notifications",
      access: "authenticated",
      query: NotificationQuery,
      responses: {
        200: { description: "A page of deliveries", schema: listOf(NotificationDelivery) },
        400: { description: "Invalid query", schema: ErrorEnvelope },
        401: { description: "Missing or unknown key", schema: ErrorEnvelope },
        403: { description: "Only owners and auditors", schema: ErrorEnvelope },
      },
    },
    async (c, principal) => c.json(await listNotifications(c.var.deps, principal!, c.req.query())),
  );
}
