/**
 * The wire shapes the app reads, taken from core's Zod schemas (types only: nothing of core is
 * bundled), so the app and the API cannot drift apart.
 */
export type {
  AuditChainStatus,
  AuditEntry,
  AutonomyChange,
  AutonomyChangeList,
  AutonomyCriterion,
  AutonomyList,
  AutonomyState,
  CalibrationReport,
  CalibrationReportList,
  DecisionResult,
  ExecutionItem,
  ExecutionResult,
  MetricsPoint,
  MetricsReport,
  PersonView,
  PolicyVersionView,
  Proposal,
  ProposalHistoryItem,
  QueueSummary,
  Recommendation,
  RecommendationList,
  ReconcileVerdict,
  ReliabilityBin,
  ReplayActionReport,
  ReplayReport,
  ReplayRoute,
  ReviewItem,
  ReviewListItem,
  SessionState,
  SessionView,
  SimilarCase,
  StopView,
  VigilanceReport,
} from "@loopgate/core";

/** One action type as `GET /v1/actions` lists it. */
export interface ActionTypeInfo {
  type: string;
  description: string | null;
  reversible: boolean | "compensate";
  payloadSchema: unknown;
  executeVia: string;
  autonomy: string;
  queue: string;
  approvals: number;
  mcpTool: string | null;
}

export interface ActionList {
  policyVersion: number;
  items: ActionTypeInfo[];
  categories: string[];
}

export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

export type Verdict = "approve" | "edit" | "reject" | "escalate" | "request_info" | "handle_manually";
