import type { CalibrationReport } from "../api/types.ts";
import { ReliabilityDiagram } from "../charts/ReliabilityDiagram.tsx";
import { when } from "../ui/format.ts";
import { score } from "./figures.ts";

/**
 * Calibration per agent × action type (`GET /v1/calibration`): the reliability diagram before and after
 * calibration, expected calibration error and Brier score raw against calibrated, and the evidence.
 */
export function CalibrationSection({ items }: { items: CalibrationReport[] }) {
  if (items.length === 0) {
    return (
      <p className="muted">
        No reviewed proposals yet: calibration starts with the first decisions and a map is fitted from 200
        labelled proposals on.
      </p>
    );
  }
  return (
    <div className="pair-grid">
      {items.map((item) => {
        const name = `${item.agent} · ${item.actionType}`;
        return (
          <article key={`${item.agent}\u0000${item.actionType}`} className="panel pair" aria-label={name}>
            <h3>{name}</h3>
            <table className="compact" aria-label={`Calibration error of ${name}`}>
              <thead>
                <tr>
                  <th scope="col" />
                  <th scope="col">Raw</th>
                  <th scope="col">Calibrated</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Expected calibration error</th>
                  <td>{score(item.ece.raw)}</td>
                  <td className={item.ece.calibrated < item.ece.raw ? "ok-text" : undefined}>
                    {score(item.ece.calibrated)}
                  </td>
                </tr>
                <tr>
                  <th scope="row">Brier score</th>
                  <td>{score(item.brier.raw)}</td>
                  <td className={item.brier.calibrated < item.brier.raw ? "ok-text" : undefined}>
                    {score(item.brier.calibrated)}
                  </td>
                </tr>
              </tbody>
            </table>
            <p className="meta">
              {item.reviewed} reviewed proposals in these figures, {item.labelled} labelled now ·{" "}
              {item.calibration === null
                ? "no calibration map yet (calibrated = raw)"
                : `map ${item.calibration.slice(0, 10)}… fitted ${item.fittedAt ? when(item.fittedAt) : ""}`}{" "}
              · auto threshold in force:{" "}
              {item.thresholdAuto === null ? "never" : item.thresholdAuto.toFixed(2)}
            </p>
            <ReliabilityDiagram
              title={`Reliability of ${name}`}
              raw={item.reliabilityRaw}
              calibrated={item.reliability}
            />
          </article>
        );
      })}
    </div>
  );
}
