// 0140: the RCI results by the playbook that gave them (issue #16). The findings table marks a
// verdict a generic investigation gave (playbook generic.<effect>): read from this index (covering:
// the playbook and the finding id, the row id) it is one range scan, never the documents' pages.
//
// Never edit once shipped: the ledger refuses a case whose applied migration text changed.
export const version = 140
export const name = 'rci-playbook'
export const sql = `
CREATE INDEX rci_results_playbook ON rci_results (playbook);
`
