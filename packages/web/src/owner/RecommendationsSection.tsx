import { useState } from "react";
import { api } from "../api/client.ts";
import type { PersonView, Recommendation } from "../api/types.ts";
import { when } from "../ui/format.ts";
import { rate } from "./figures.ts";

const who = (person: { name: string; at: string } | null) =>
  person === null ? "—" : `${person.name}, ${when(person.at)}`;

/**
 * Threshold recommendations (`GET /v1/recommendations`) with their evidence and status. An owner asks to
 * apply one; a different owner approves it (SPEC §5). The API enforces both; its message is shown.
 */
export function RecommendationsSection({
  items,
  user,
  onChanged,
}: {
  items: Recommendation[];
  user: PersonView;
  onChanged: () => void;
}) {
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  if (items.length === 0) {
    return <p className="muted">No threshold recommendation yet: they come with each calibration fit.</p>;
  }
  async function act(item: Recommendation, step: "apply" | "approve") {
    setMessage(null);
    try {
      await api("POST", `/v1/recommendations/${encodeURIComponent(item.id)}/${step}`);
      setMessage({
        error: false,
        text:
          step === "apply"
            ? `Asked to apply ${item.threshold.toFixed(2)} for ${item.agent} · ${item.actionType}: a different owner approves it.`
            : `Threshold ${item.threshold.toFixed(2)} is in force for ${item.agent} · ${item.actionType}.`,
      });
      onChanged();
    } catch (e) {
      setMessage({ error: true, text: (e as Error).message });
    }
  }
  return (
    <>
      {message ? (
        <p role={message.error ? "alert" : "status"} className={message.error ? "error" : "ok-text"}>
          {message.text}
        </p>
      ) : null}
      <table aria-label="Threshold recommendations">
        <thead>
          <tr>
            <th scope="col">Agent · action type</th>
            <th scope="col">Threshold</th>
            <th scope="col">Target error</th>
            <th scope="col">Error upper bound</th>
            <th scope="col">Expected automation</th>
            <th scope="col">Evidence</th>
            <th scope="col">Status</th>
            <th scope="col">Asked by</th>
            <th scope="col">Approved by</th>
            {user.role === "owner" ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <th scope="row">
                {item.agent} · {item.actionType}
              </th>
              <td>{item.threshold.toFixed(2)}</td>
              <td>{rate(item.targetErrorRate)}</td>
              <td>
                {rate(item.errorUpperBound)}{" "}
                <span className="muted">
                  ({item.detail.bound === "wilson" ? "Wilson" : "Clopper–Pearson"}, {rate(item.detail.level)})
                </span>
              </td>
              <td>{rate(item.expectedAutomationRate)}</td>
              <td>
                {item.evidence} of {item.detail.reviewed} reviewed{" "}
                <span className="muted">(observed error {rate(item.detail.observedErrorRate)})</span>
              </td>
              <td>
                <span className={`status-tag ${item.status}`}>
                  {item.status === "proposed" && item.requestedBy ? "awaiting approval" : item.status}
                </span>
                {item.policyVersion !== null ? (
                  <span className="muted"> · policy v{item.policyVersion}</span>
                ) : null}
              </td>
              <td>{who(item.requestedBy)}</td>
              <td>{who(item.approvedBy)}</td>
              {user.role === "owner" ? (
                <td>
                  {item.status !== "proposed" ? null : item.requestedBy === null ? (
                    <button type="button" onClick={() => void act(item, "apply")}>
                      Ask to apply
                    </button>
                  ) : (
                    <button type="button" className="primary" onClick={() => void act(item, "approve")}>
                      Approve
                    </button>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
