// name: payments_to_related_creditors
// title.en: Payments to related creditors in the months before acceptance
// title.zh: 受理前数月内向关联债权人的清偿
// description.en: Transfers from the debtor to a relative within the given days before acceptance (default about six months) where that relative had earlier paid the debtor: a likely repayment that prefers one creditor. Each row pairs the payment with the earlier credit.
// description.zh: 受理前一定天数内（默认约六个月）债务人向亲属的转账，且该亲属此前曾向债务人付款：很可能是对个别债权人的偏颇清偿。每行列出清偿款及此前的借出款。
// param: case_id string | The case (case_id) | 案件编号
// param: days days = 183 | Look-back window in days, ending on the acceptance date | 回溯天数（截至受理日）
// returns: case_id, debtor_id, creditor_id, relation, transfer_id, date, amount, src_file, src_row, credit_transfer_id, credit_date, credit_amount, credit_src_file, credit_src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[rel:RELATED_TO]->(r:Person)-[:HOLDS]->(b:Account)
MATCH (d)-[:HOLDS]->(a:Account)-[t:TRANSFERRED_TO]->(b)
WHERE t.date <= coalesce(k.acceptance_date, k.filing_date)
  AND t.date >= coalesce(k.acceptance_date, k.filing_date) - $days
MATCH (b)-[l:TRANSFERRED_TO]->(a)
WHERE l.date < t.date
RETURN k.case_id AS case_id, d.person_id AS debtor_id, r.person_id AS creditor_id,
       rel.relation AS relation, t.transfer_id AS transfer_id, t.date AS date,
       t.amount AS amount, t.src_file AS src_file, t.src_row AS src_row,
       l.transfer_id AS credit_transfer_id, l.date AS credit_date, l.amount AS credit_amount,
       l.src_file AS credit_src_file, l.src_row AS credit_src_row
ORDER BY date, transfer_id, credit_transfer_id, relation
