import { type ReactNode, useMemo, useState } from "react";
import type {
  ActionList,
  AutonomyChangeList,
  AutonomyList,
  CalibrationReportList,
  ListPage,
  MetricsReport,
  PersonView,
  QueueSummary,
  RecommendationList,
  VigilanceReport,
} from "../api/types.ts";
import { AutonomyHistory } from "./AutonomyHistory.tsx";
import { AutonomyPanel } from "./AutonomyPanel.tsx";
import { CalibrationSection } from "./CalibrationSection.tsx";
import {
  type DashboardFilters,
  filtersFromSearch,
  metricsPath,
  pairPath,
  searchOf,
  vigilancePath,
  WINDOWS,
  type WindowName,
} from "./dashboard-filters.ts";
import {
  CorrectionCategories,
  MetricsTotals,
  RateCharts,
  TimingCharts,
  VolumeCharts,
} from "./MetricsSections.tsx";
import { QueuesSection } from "./QueuesSection.tsx";
import { RecommendationsSection } from "./RecommendationsSection.tsx";
import { type ApiRead, useApiRead } from "./use-api.ts";
import { VigilancePanel } from "./VigilancePanel.tsx";
import "./dashboard.css";

const SECTIONS = [
  ["rates", "Rates"],
  ["volume", "Volume"],
  ["queues", "Queues"],
  ["timing", "Time to decide"],
  ["calibration", "Calibration"],
  ["recommendations", "Thresholds"],
  ["autonomy", "Autonomy"],
  ["autonomy-changes", "Breaker history"],
  ["vigilance", "Vigilance"],
] as const;

/** A dashboard section: its heading, and the read's answer, message, or "not offered by this server". */
function Section<T>({
  id,
  title,
  read,
  unavailable,
  children,
}: {
  id: string;
  title: string;
  read: ApiRead<T>;
  unavailable?: string;
  children: (data: T) => ReactNode;
}) {
  return (
    <section className="dash-section" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {read.error ? (
        <p role="alert" className="error">
          {read.error}
        </p>
      ) : read.missing ? (
        <p className="notice">{unavailable ?? "This server does not offer this yet: upgrade Loopgate."}</p>
      ) : read.data === null ? (
        <p className="muted">Loading…</p>
      ) : (
        children(read.data)
      )}
    </section>
  );
}

/**
 * The owners' dashboards (auditors read them too): rates, route mix and volume, queues, time to decide,
 * calibration, threshold recommendations, earned autonomy and reviewer vigilance, over a window and
 * narrowed to an action type, an agent or a queue.
 */
export function DashboardView({ user, actions }: { user: PersonView; actions: ActionList | null }) {
  if (user.role !== "owner" && user.role !== "auditor") return <OverseersOnly title="Dashboard" />;
  return <Dashboard user={user} actions={actions} />;
}

/** What a reviewer sees on an owner's page: the API would refuse every read anyway. */
export function OverseersOnly({ title }: { title: string }) {
  return (
    <main className="owner">
      <h1>{title}</h1>
      <p className="notice">This page is for owners and auditors: ask an owner if you need it.</p>
    </main>
  );
}

function Dashboard({ user, actions }: { user: PersonView; actions: ActionList | null }) {
  const [filters, setFilters] = useState<DashboardFilters>(() => filtersFromSearch(window.location.search));
  const [version, setVersion] = useState(0);
  const [agentText, setAgentText] = useState(filters.agent);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new "now" on every refresh or filter change
  const now = useMemo(() => Date.now(), [filters, version]);
  const reload = () => setVersion((v) => v + 1);

  const metrics = useApiRead<MetricsReport>(metricsPath(filters, now), version);
  const queues = useApiRead<ListPage<QueueSummary>>("/v1/reviews/summary", version);
  const calibration = useApiRead<CalibrationReportList>(pairPath("/v1/calibration", filters), version);
  const recommendations = useApiRead<RecommendationList>(
    pairPath("/v1/recommendations", filters, { limit: 100 }),
    version,
  );
  const autonomy = useApiRead<AutonomyList>(pairPath("/v1/autonomy", filters), version);
  const changes = useApiRead<AutonomyChangeList>(
    pairPath("/v1/autonomy/changes", filters, { limit: 20 }),
    version,
  );
  const vigilance = useApiRead<VigilanceReport>(vigilancePath(filters, now), version);

  const actionTypes = actions?.items.map((a) => a.type) ?? [];
  const queueNames = [
    ...new Set([
      ...(actions?.items.map((a) => a.queue) ?? []),
      ...(queues.data?.items.map((q) => q.queue) ?? []),
    ]),
  ].sort();
  const agents = [
    ...new Set([
      ...(calibration.data?.items.map((i) => i.agent) ?? []),
      ...(autonomy.data?.items.map((i) => i.agent) ?? []),
    ]),
  ].sort();
  const set = (patch: Partial<DashboardFilters>) => {
    const next = { ...filters, ...patch };
    if ((Object.keys(next) as (keyof DashboardFilters)[]).some((key) => next[key] !== filters[key])) {
      setFilters(next);
      window.history.replaceState(null, "", `/dashboard${searchOf(next)}`);
    }
  };

  return (
    <main className="owner dashboard" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <form
        className="filters panel"
        aria-label="Dashboard filters"
        onSubmit={(e) => {
          e.preventDefault();
          set({ agent: agentText.trim() });
        }}
      >
        <fieldset className="window-choice">
          <legend>Window</legend>
          {(Object.keys(WINDOWS) as WindowName[]).map((name) => (
            <label key={name}>
              <input
                type="radio"
                name="window"
                value={name}
                checked={filters.window === name}
                onChange={() => set({ window: name })}
              />
              {WINDOWS[name].label}
            </label>
          ))}
        </fieldset>
        <label>
          Action type
          <select value={filters.actionType} onChange={(e) => set({ actionType: e.target.value })}>
            <option value="">all</option>
            {actionTypes.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Agent
          <input
            list="dashboard-agents"
            value={agentText}
            placeholder="all (Enter to apply)"
            onChange={(e) => setAgentText(e.target.value)}
            onBlur={() => set({ agent: agentText.trim() })}
          />
          <datalist id="dashboard-agents">
            {agents.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label>
          Queue
          <select value={filters.queue} onChange={(e) => set({ queue: e.target.value })}>
            <option value="">all</option>
            {queueNames.map((q) => (
              <option key={q}>{q}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </form>
      <nav aria-label="Dashboard sections" className="dash-nav">
        {SECTIONS.map(([id, title]) => (
          <a key={id} href={`#${id}`}>
            {title}
          </a>
        ))}
      </nav>

      <Section id="rates" title="Rates over time" read={metrics}>
        {(report) => (
          <>
            <MetricsTotals report={report} />
            <RateCharts report={report} />
          </>
        )}
      </Section>
      <Section id="volume" title="Route mix and volume" read={metrics}>
        {(report) => (
          <>
            <VolumeCharts report={report} />
            <CorrectionCategories report={report} />
          </>
        )}
      </Section>
      <Section id="queues" title="Queue depth and age" read={queues}>
        {(page) => <QueuesSection queues={page.items} selected={filters.queue} />}
      </Section>
      <Section id="timing" title="Time to decide" read={metrics}>
        {(report) => <TimingCharts report={report} />}
      </Section>
      <Section id="calibration" title="Calibration" read={calibration}>
        {(list) => <CalibrationSection items={list.items} />}
      </Section>
      <Section id="recommendations" title="Threshold recommendations" read={recommendations}>
        {(list) => <RecommendationsSection items={list.items} user={user} onChanged={reload} />}
      </Section>
      <Section
        id="autonomy"
        title="Autonomy stages"
        read={autonomy}
        unavailable="This server does not report autonomy stages yet: upgrade Loopgate to see them."
      >
        {(list) => <AutonomyPanel items={list.items} user={user} onChanged={reload} />}
      </Section>
      <Section
        id="autonomy-changes"
        title="Promotions and circuit-breaker demotions"
        read={changes}
        unavailable="This server does not report autonomy changes yet: upgrade Loopgate to see them."
      >
        {(page) => <AutonomyHistory items={page.items} />}
      </Section>
      <Section
        id="vigilance"
        title="Reviewer vigilance"
        read={vigilance}
        unavailable="This server does not measure reviewer vigilance yet: upgrade Loopgate to see override bands and canary catch rates."
      >
        {(report) => <VigilancePanel report={report} />}
      </Section>
    </main>
  );
}
