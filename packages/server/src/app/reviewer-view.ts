import type { Proposal } from "@loopgate/core";
import type { ProposalRow, ReviewRow } from "../store/store.ts";
import type { ReviewActivityRow } from "../store/vigilance-rows.ts";
import { blindView } from "./blind-review.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, worksQueue } from "./principal.ts";
import { noteFirstOpen } from "./review-activity.ts";

/**
 * A proposal as a person who may decide its open review reads it: the read is recorded as their first
 * opening of the packet (vigilance), and on a blind review the agent's recommendation is withheld until
 * they record a first judgement. Everyone else gets the view unchanged. `recorded`: the person's
 * activity on `open` as already written by the caller (claim-next writes the first opening with the
 * claim), so nothing is read or written here.
 */
export async function reviewerView(
  deps: AppDeps,
  principal: Principal,
  proposal: ProposalRow,
  reviews: readonly ReviewRow[],
  view: Proposal,
  recorded?: { reviewId: string; activity: ReviewActivityRow | null },
): Promise<Proposal> {
  if (principal.kind !== "user") return view;
  const role = principal.user.role;
  if (role !== "reviewer" && role !== "owner") return view;
  const open = reviews.find((r) => r.status === "pending" || r.status === "escalated");
  if (open === undefined || !worksQueue(principal, open.queue)) return view;
  const activity =
    recorded?.reviewId === open.id ? recorded.activity : await noteFirstOpen(deps, principal, proposal, open);
  return blindView(deps, view, open, activity);
}
