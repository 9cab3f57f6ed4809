// 0150: the findings table's read model, kept at write time (issue #18). `findings.table` read
// every finding, every resource and the alerts' index to answer: at 200,000 findings ~45,000
// encrypted pages decrypted and ~1.3 s of CPU for a cold read. These two tables hold what its
// rows show, drawn from findings, resources, alerts, workflow_findings and rci_results:
//
// - findings_table_rows: one narrow row per finding — what is its own (the finding id, the
//   resource's id, its name when it is not the end of the id, how many alerts it has) and the
//   number of its shape;
// - findings_table_shapes: every distinct rest of a row (codes of status, verdict, severity,
//   regression, whether and how it was investigated, its initiative, control, title, times,
//   workflow state, the resource's type, provider, account, region and environment, the tools
//   that reported it) as a JSON array, with how many rows have it (n). A few hundred at 200,000
//   findings: a cold read decrypts the narrow rows and parses each shape once.
//
// Triggers refresh the rows of the findings a write touches, in its transaction: a finding
// written, its resource changed, an alert added, moved or removed, a workflow state or an RCI
// document written or removed. A refresh computes the row again from the tables as they stand,
// so the rows stay what `rowsSql` gives over the whole case (main/audit/read-models.ts
// recomputes them at verification and names a row that differs; main/audit/read-models.test.ts
// checks them after imports, rescans, decisions, investigations and the workflow). A shape no
// row uses any more is deleted. Not sealed: drawn from sealed rows, like the counts of 0120.
//
// Never edit once shipped: the ledger refuses a case whose applied migration text changed.
export const version = 150
export const name = 'findings-table'

/**
 * A finding's shape over `f` (findings) and `r` (its resource), as a JSON array: [status code
 * (0 open, 1 resolved, 2 suppressed: a decision, or muted in every tool while open), verdict code
 * (TABLE_VERDICTS), severity, regression, RCI document (0 none, 1 a playbook's, 2 a generic
 * investigation's), initiative, control, title, first seen, last seen, workflow state, resource
 * type, provider, account, region, environment, tools (sorted, joined with ", ")].
 */
export const SHAPE_SQL = `json_array(
  CASE WHEN f.decision IS NOT NULL OR (f.status = 'open' AND f.muted = 1) THEN 2 WHEN f.status = 'open' THEN 0 ELSE 1 END,
  CASE f.rci_verdict WHEN 'SAFE' THEN 0 WHEN 'RISKY' THEN 1 WHEN 'UNSAFE' THEN 2 ELSE 3 END,
  f.severity, f.regression,
  ifnull((SELECT CASE WHEN x.playbook >= 'generic.' AND x.playbook < 'generic/' THEN 2 ELSE 1 END FROM rci_results x WHERE x.finding_id = f.id), 0),
  f.initiative_id, f.control, f.title, f.first_seen, f.last_seen,
  ifnull((SELECT w.state FROM workflow_findings w WHERE w.finding_id = f.id), 'new'),
  r.type, r.provider, r.account, r.region, r.environment,
  (SELECT group_concat(t.tool, ', ' ORDER BY t.tool) FROM (SELECT DISTINCT a.tool FROM alerts a WHERE a.control = f.control AND a.resource_id = f.resource_id) t))`

/**
 * The resource's name when it is not plainly the end of its id ("/name" or ":name", the name
 * holding neither): the reader checks the others with shortName. NULL for no name.
 */
export const NAME_SQL = `CASE WHEN r.name IS NULL OR r.name = '' OR (instr(r.name, '/') = 0 AND instr(r.name, ':') = 0
  AND substr(r.canonical_id, -length(r.name) - 1) IN ('/' || r.name, ':' || r.name)) THEN NULL ELSE r.name END`

/** every alert of the finding, from every tool, open or closed */
export const ALERTS_SQL = `(SELECT count(*) FROM alerts a WHERE a.control = f.control AND a.resource_id = f.resource_id)`

/** The findings `where` selects (over f and r), with their resources. */
const FROM = 'FROM findings f JOIN resources r ON r.id = f.resource_id'

/** Compute again the rows of the findings `where` selects, and the shapes they use. */
function refresh(where: string): string {
  return `INSERT INTO findings_table_shapes (shape, n) SELECT ${SHAPE_SQL}, 0 ${FROM} WHERE ${where} ON CONFLICT (shape) DO NOTHING;
  INSERT INTO findings_table_rows (finding_id, shape_id, resource, name, alerts)
  SELECT f.id, (SELECT s.id FROM findings_table_shapes s WHERE s.shape = ${SHAPE_SQL}), r.canonical_id, ${NAME_SQL}, ${ALERTS_SQL} ${FROM} WHERE ${where}
  ON CONFLICT (finding_id) DO UPDATE SET shape_id = excluded.shape_id, resource = excluded.resource, name = excluded.name, alerts = excluded.alerts
  WHERE shape_id IS NOT excluded.shape_id OR resource IS NOT excluded.resource OR name IS NOT excluded.name OR alerts IS NOT excluded.alerts;`
}

const FINDING_COLUMNS = [
  'id',
  'control',
  'resource_id',
  'status',
  'muted',
  'severity',
  'title',
  'regression',
  'first_seen',
  'last_seen',
  'decision',
  'initiative_id',
  'rci_verdict'
]
const RESOURCE_COLUMNS = ['canonical_id', 'type', 'provider', 'account', 'region', 'name', 'environment']
const changed = (cols: string[]): string => cols.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ')
const ofAlert = (a: string): string => `f.control = ${a}.control AND f.resource_id = ${a}.resource_id`

export const sql = `
CREATE TABLE findings_table_shapes (
  id    INTEGER PRIMARY KEY,
  shape TEXT NOT NULL UNIQUE,
  -- the rows that have it
  n     INTEGER NOT NULL
) STRICT;

CREATE TABLE findings_table_rows (
  finding_id INTEGER PRIMARY KEY,
  shape_id   INTEGER NOT NULL,
  -- the resource's canonical id
  resource   TEXT NOT NULL,
  name       TEXT,
  alerts     INTEGER NOT NULL
) STRICT;

CREATE TRIGGER findings_table_row_insert AFTER INSERT ON findings_table_rows BEGIN
  UPDATE findings_table_shapes SET n = n + 1 WHERE id = NEW.shape_id;
END;
CREATE TRIGGER findings_table_row_delete AFTER DELETE ON findings_table_rows BEGIN
  UPDATE findings_table_shapes SET n = n - 1 WHERE id = OLD.shape_id;
  DELETE FROM findings_table_shapes WHERE id = OLD.shape_id AND n = 0;
END;
CREATE TRIGGER findings_table_row_shape AFTER UPDATE OF shape_id ON findings_table_rows WHEN OLD.shape_id IS NOT NEW.shape_id BEGIN
  UPDATE findings_table_shapes SET n = n + 1 WHERE id = NEW.shape_id;
  UPDATE findings_table_shapes SET n = n - 1 WHERE id = OLD.shape_id;
  DELETE FROM findings_table_shapes WHERE id = OLD.shape_id AND n = 0;
END;

CREATE TRIGGER findings_table_finding_insert AFTER INSERT ON findings BEGIN
  ${refresh('f.id = NEW.id')}
END;
CREATE TRIGGER findings_table_finding_update AFTER UPDATE OF ${FINDING_COLUMNS.join(', ')} ON findings WHEN ${changed(FINDING_COLUMNS)} BEGIN
  DELETE FROM findings_table_rows WHERE finding_id = OLD.id AND OLD.id IS NOT NEW.id;
  ${refresh('f.id = NEW.id')}
END;
CREATE TRIGGER findings_table_finding_delete AFTER DELETE ON findings BEGIN
  DELETE FROM findings_table_rows WHERE finding_id = OLD.id;
END;

CREATE TRIGGER findings_table_resource_update AFTER UPDATE OF ${RESOURCE_COLUMNS.join(', ')} ON resources WHEN ${changed(RESOURCE_COLUMNS)} BEGIN
  ${refresh('f.resource_id = NEW.id')}
END;

CREATE TRIGGER findings_table_alert_insert AFTER INSERT ON alerts BEGIN
  ${refresh(ofAlert('NEW'))}
END;
CREATE TRIGGER findings_table_alert_delete AFTER DELETE ON alerts BEGIN
  ${refresh(ofAlert('OLD'))}
END;
CREATE TRIGGER findings_table_alert_update AFTER UPDATE OF control, resource_id, tool ON alerts WHEN ${changed(['control', 'resource_id', 'tool'])} BEGIN
  ${refresh(ofAlert('OLD'))}
  ${refresh(ofAlert('NEW'))}
END;

CREATE TRIGGER findings_table_workflow_insert AFTER INSERT ON workflow_findings BEGIN
  ${refresh('f.id = NEW.finding_id')}
END;
CREATE TRIGGER findings_table_workflow_delete AFTER DELETE ON workflow_findings BEGIN
  ${refresh('f.id = OLD.finding_id')}
END;
CREATE TRIGGER findings_table_workflow_update AFTER UPDATE OF finding_id, state ON workflow_findings WHEN ${changed(['finding_id', 'state'])} BEGIN
  ${refresh('f.id = OLD.finding_id')}
  ${refresh('f.id = NEW.finding_id')}
END;

CREATE TRIGGER findings_table_rci_insert AFTER INSERT ON rci_results BEGIN
  ${refresh('f.id = NEW.finding_id')}
END;
CREATE TRIGGER findings_table_rci_delete AFTER DELETE ON rci_results BEGIN
  ${refresh('f.id = OLD.finding_id')}
END;
CREATE TRIGGER findings_table_rci_update AFTER UPDATE OF finding_id, playbook ON rci_results WHEN ${changed(['finding_id', 'playbook'])} BEGIN
  ${refresh('f.id = OLD.finding_id')}
  ${refresh('f.id = NEW.finding_id')}
END;

-- what the case holds now
-- (each row's insert counts it in its shape's n)
INSERT INTO findings_table_shapes (shape, n) SELECT DISTINCT ${SHAPE_SQL}, 0 ${FROM};
INSERT INTO findings_table_rows (finding_id, shape_id, resource, name, alerts)
SELECT f.id, s.id, r.canonical_id, ${NAME_SQL}, ${ALERTS_SQL} ${FROM} JOIN findings_table_shapes s ON s.shape = ${SHAPE_SQL} ORDER BY f.id;
`
