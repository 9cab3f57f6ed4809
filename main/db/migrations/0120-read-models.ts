// 0120: the case-wide pages' counts, kept at write time (issue #18). The board and the initiatives
// page counted every finding and every alert of the case on each read: at 200,000 findings a
// first read decrypted ~45,000 pages (1.4–1.7 s). These tables hold the same counts, per
// initiative, and triggers keep them in the transaction of every write to what they count
// (findings, alerts, resources, workflow_findings, rci_results): an import, a rescan, a decision,
// an investigation or a person's SQL all keep them true, since every writer goes through SQLite.
// Each trigger moves one finding (or alert) from the group it was in to the group it is in now,
// both computed from the tables as they stand, so the counts stay what a GROUP BY over the tables
// gives (main/audit/read-models.test.ts checks it after imports, rescans, decisions and deletions).
// Groups that emptied stay with n = 0; readers skip them. The tables are not sealed: they are
// drawn from sealed rows, and verification recomputes them from those rows instead
// (main/audit/read-models.ts), so a count changed by hand is named as such.
//
// Never edit once shipped: the ledger refuses a case whose applied migration text changed.
export const version = 120
export const name = 'read-models'

/** findings (or the alias) that are open and in no one's hands: the initiatives page's "open" */
const open = (f: string): string => `${f}.status = 'open' AND ${f}.decision IS NULL AND ${f}.muted = 0`
const stateOf = (f: string): string => `ifnull((SELECT w.state FROM workflow_findings w WHERE w.finding_id = ${f}.id), 'new')`
// the board's "investigated": a verdict, or an RCI document (no playbook covers the control)
const investigatedOf = (f: string): string => `(${f}.rci_verdict <> 'UNSCORED' OR EXISTS (SELECT 1 FROM rci_results x WHERE x.finding_id = ${f}.id))`

/**
 * Add `sign` to finding `f`'s group. `from` is what `f` is read from (empty in a findings
 * trigger, where f is NEW or OLD; a join on findings in the others). `state` and `investigated`
 * default to what the tables say now.
 */
function countFinding(f: string, sign: string, from: string, where: string, state = stateOf(f), investigated = investigatedOf(f)): string {
  return `INSERT INTO initiative_finding_counts (initiative_id, status, muted, decision, rci_verdict, severity, regression, state, investigated, n)
  SELECT ${f}.initiative_id, ${f}.status, ${f}.muted, ifnull(${f}.decision, ''), ${f}.rci_verdict, ${f}.severity, ${f}.regression, ${state}, ${investigated}, ${sign}
  ${from} WHERE ${f}.initiative_id IS NOT NULL${where}
  ON CONFLICT (initiative_id, status, muted, decision, rci_verdict, severity, regression, state, investigated) DO UPDATE SET n = n + excluded.n;`
}

/** Add `sign` to the open-findings count of f's initiative, control and account. */
function countAccount(f: string, sign: string): string {
  return `INSERT INTO initiative_open_accounts (initiative_id, control, account, n)
  SELECT ${f}.initiative_id, ${f}.control, r.account, ${sign} FROM resources r
  WHERE r.id = ${f}.resource_id AND ${f}.initiative_id IS NOT NULL AND ${open(f)}
  ON CONFLICT (initiative_id, control, ifnull(account, char(1))) DO UPDATE SET n = n + excluded.n;`
}

/** Add `sign` times f's failing, unclosed alerts to its initiative's count per tool. */
function countAlertsOf(f: string, sign: string): string {
  return `INSERT INTO initiative_open_alerts (initiative_id, tool, n)
  SELECT ${f}.initiative_id, a.tool, ${sign} * count(*) FROM alerts a
  WHERE a.control = ${f}.control AND a.resource_id = ${f}.resource_id AND a.closed_at IS NULL AND a.outcome = 'FAIL'
    AND ${f}.initiative_id IS NOT NULL AND ${open(f)}
  GROUP BY a.tool
  ON CONFLICT (initiative_id, tool) DO UPDATE SET n = n + excluded.n;`
}

/** Add `sign` for alert `a` to its open finding's initiative, when it is failing and unclosed. */
function countAlert(a: string, sign: string): string {
  return `INSERT INTO initiative_open_alerts (initiative_id, tool, n)
  SELECT f.initiative_id, ${a}.tool, ${sign} FROM findings f
  WHERE f.control = ${a}.control AND f.resource_id = ${a}.resource_id AND ${a}.closed_at IS NULL AND ${a}.outcome = 'FAIL'
    AND f.initiative_id IS NOT NULL AND ${open('f')}
  ON CONFLICT (initiative_id, tool) DO UPDATE SET n = n + excluded.n;`
}

const findingIn = (sign: string, f: string): string => [countFinding(f, sign, '', ''), countAccount(f, sign), countAlertsOf(f, sign)].join('\n  ')

/** finding `id` moved between workflow states or investigated-ness: out of `old`, into `now` */
function moveFinding(id: string, old: { state?: string; investigated?: string }, now: { state?: string; investigated?: string }): string {
  const from = `FROM findings f`
  const where = ` AND f.id = ${id}`
  return [countFinding('f', '-1', from, where, old.state, old.investigated), countFinding('f', '1', from, where, now.state, now.investigated)].join('\n  ')
}

const FINDING_COLUMNS = ['initiative_id', 'status', 'muted', 'decision', 'rci_verdict', 'severity', 'regression', 'control', 'resource_id']
const changed = (cols: string[]): string => cols.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ')

export const sql = `
CREATE TABLE initiative_finding_counts (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL,
  status        TEXT NOT NULL,
  muted         INTEGER NOT NULL,
  -- '' for none (a NULL would make every group unique)
  decision      TEXT NOT NULL,
  rci_verdict   TEXT NOT NULL,
  severity      INTEGER NOT NULL,
  regression    INTEGER NOT NULL,
  -- the workflow state, 'new' for a finding the workflow has not touched
  state         TEXT NOT NULL,
  investigated  INTEGER NOT NULL,
  n             INTEGER NOT NULL,
  UNIQUE (initiative_id, status, muted, decision, rci_verdict, severity, regression, state, investigated)
) STRICT;

-- open findings (not decided, not muted) per initiative, control and account
CREATE TABLE initiative_open_accounts (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL,
  control       TEXT NOT NULL,
  account       TEXT,
  n             INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX initiative_open_accounts_key ON initiative_open_accounts (initiative_id, control, ifnull(account, char(1)));

-- failing, unclosed alerts of open findings per initiative and tool
CREATE TABLE initiative_open_alerts (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL,
  tool          TEXT NOT NULL,
  n             INTEGER NOT NULL,
  UNIQUE (initiative_id, tool)
) STRICT;

CREATE TRIGGER read_models_finding_insert AFTER INSERT ON findings BEGIN
  ${findingIn('1', 'NEW')}
END;
CREATE TRIGGER read_models_finding_delete AFTER DELETE ON findings BEGIN
  ${findingIn('-1', 'OLD')}
END;
CREATE TRIGGER read_models_finding_update AFTER UPDATE OF ${FINDING_COLUMNS.join(', ')} ON findings WHEN ${changed(FINDING_COLUMNS)} BEGIN
  ${findingIn('-1', 'OLD')}
  ${findingIn('1', 'NEW')}
END;

CREATE TRIGGER read_models_alert_insert AFTER INSERT ON alerts BEGIN
  ${countAlert('NEW', '1')}
END;
CREATE TRIGGER read_models_alert_delete AFTER DELETE ON alerts BEGIN
  ${countAlert('OLD', '-1')}
END;
CREATE TRIGGER read_models_alert_update AFTER UPDATE OF control, resource_id, tool, closed_at, outcome ON alerts
WHEN ${changed(['control', 'resource_id', 'tool', 'outcome'])} OR (OLD.closed_at IS NULL) <> (NEW.closed_at IS NULL) BEGIN
  ${countAlert('OLD', '-1')}
  ${countAlert('NEW', '1')}
END;

CREATE TRIGGER read_models_resource_account AFTER UPDATE OF account ON resources WHEN OLD.account IS NOT NEW.account BEGIN
  INSERT INTO initiative_open_accounts (initiative_id, control, account, n)
  SELECT f.initiative_id, f.control, a.account, a.sign * count(*)
  FROM findings f, (SELECT OLD.account AS account, -1 AS sign UNION ALL SELECT NEW.account, 1) a
  WHERE f.resource_id = NEW.id AND f.initiative_id IS NOT NULL AND ${open('f')}
  GROUP BY f.initiative_id, f.control, a.account, a.sign
  ON CONFLICT (initiative_id, control, ifnull(account, char(1))) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER read_models_workflow_insert AFTER INSERT ON workflow_findings BEGIN
  ${moveFinding('NEW.finding_id', { state: "'new'" }, { state: 'NEW.state' })}
END;
CREATE TRIGGER read_models_workflow_delete AFTER DELETE ON workflow_findings BEGIN
  ${moveFinding('OLD.finding_id', { state: 'OLD.state' }, { state: "'new'" })}
END;
CREATE TRIGGER read_models_workflow_update AFTER UPDATE OF finding_id, state ON workflow_findings
WHEN OLD.finding_id IS NOT NEW.finding_id OR OLD.state IS NOT NEW.state BEGIN
  ${moveFinding('OLD.finding_id', { state: 'OLD.state' }, { state: "'new'" })}
  ${moveFinding('NEW.finding_id', { state: "'new'" }, { state: 'NEW.state' })}
END;

CREATE TRIGGER read_models_rci_insert AFTER INSERT ON rci_results BEGIN
  ${moveFinding('NEW.finding_id', { investigated: "f.rci_verdict <> 'UNSCORED'" }, { investigated: '1' })}
END;
CREATE TRIGGER read_models_rci_delete AFTER DELETE ON rci_results BEGIN
  ${moveFinding('OLD.finding_id', { investigated: '1' }, { investigated: "f.rci_verdict <> 'UNSCORED'" })}
END;
CREATE TRIGGER read_models_rci_update AFTER UPDATE OF finding_id ON rci_results WHEN OLD.finding_id IS NOT NEW.finding_id BEGIN
  ${moveFinding('OLD.finding_id', { investigated: '1' }, { investigated: "f.rci_verdict <> 'UNSCORED'" })}
  ${moveFinding('NEW.finding_id', { investigated: "f.rci_verdict <> 'UNSCORED'" }, { investigated: '1' })}
END;

-- what the case holds now
INSERT INTO initiative_finding_counts (initiative_id, status, muted, decision, rci_verdict, severity, regression, state, investigated, n)
SELECT f.initiative_id, f.status, f.muted, ifnull(f.decision, ''), f.rci_verdict, f.severity, f.regression, ${stateOf('f')}, ${investigatedOf('f')}, count(*)
FROM findings f WHERE f.initiative_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
INSERT INTO initiative_open_accounts (initiative_id, control, account, n)
SELECT f.initiative_id, f.control, r.account, count(*) FROM findings f JOIN resources r ON r.id = f.resource_id
WHERE f.initiative_id IS NOT NULL AND ${open('f')} GROUP BY 1, 2, 3;
INSERT INTO initiative_open_alerts (initiative_id, tool, n)
SELECT f.initiative_id, a.tool, count(*) FROM alerts a JOIN findings f ON f.control = a.control AND f.resource_id = a.resource_id
WHERE f.initiative_id IS NOT NULL AND ${open('f')} AND a.closed_at IS NULL AND a.outcome = 'FAIL' GROUP BY 1, 2;

-- the findings named one by one on the board and by the workflow's checks, found through indexes
-- instead of a scan of every finding: regressions, and decisions that expire
CREATE INDEX findings_regression ON findings (status, initiative_id) WHERE regression = 1;
CREATE INDEX findings_decision_expires ON findings (decision_expires) WHERE decision_expires IS NOT NULL;
`
