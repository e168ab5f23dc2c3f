import type { RouteTable } from "../route-table.ts";

export function healthRoutes(routes: RouteTable, ready: () => Promise<boolean>): void {
  routes.add(
    {
      method: "get",
      path: "/healthz",
      summary: "Liveness: the process answers",
      tag: "health",
      access: "public",
      responses: { 200: { description: "Alive" } },
    },
    (c) => c.json({ status: "ok" }),
  );
  routes.add(
    {
      method: "get",
      path: "/readyz",
      summary: "Readiness: the store answers and a policy is loaded",
      tag: "health",
      access: "public",
      responses: { 200: { description: "Ready" }, 503: { description: "Not ready; the body says why" } },
    },
    async (c) => {
      const policy = c.var.deps.policies.activeOrNull();
      const storeOk = await ready();
      const ok = storeOk && policy !== null;
      return c.json(
        {
          status: ok ? "ready" : "not_ready",
          store: storeOk ? "ok" : "unavailable",
          policyVersion: policy?.version ?? null,
        },
        ok ? 200 : 503,
      );
    },
  );
}
