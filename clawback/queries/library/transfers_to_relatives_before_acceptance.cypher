// name: transfers_to_relatives_before_acceptance
// title.en: Transfers from the debtor to relatives within N days before acceptance
// title.zh: 受理前 N 日内债务人向亲属的转账
// description.en: Every transfer from an account the debtor holds to an account a relative holds, dated within the look-back window that ends on the acceptance date (the filing date when acceptance is missing). The relation is what the relative is to the debtor.
// description.zh: 债务人名下账户向亲属名下账户的每一笔转账，日期在以受理日（无受理日时以申请日）为终点的回溯期内。关系一栏为该亲属相对债务人的身份。
// param: case_id string | The case (case_id) | 案件编号
// param: days days = 730 | Look-back window in days, ending on the acceptance date | 回溯天数（截至受理日）
// returns: case_id, debtor_id, relative_id, relative_name, relation, transfer_id, date, amount, currency, from_account, to_account, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[rel:RELATED_TO]->(r:Person)-[:HOLDS]->(b:Account)
MATCH (d)-[:HOLDS]->(a:Account)-[t:TRANSFERRED_TO]->(b)
WHERE t.date <= coalesce(k.acceptance_date, k.filing_date)
  AND t.date >= coalesce(k.acceptance_date, k.filing_date) - $days
RETURN k.case_id AS case_id, d.person_id AS debtor_id, r.person_id AS relative_id,
       r.name AS relative_name, rel.relation AS relation, t.transfer_id AS transfer_id,
       t.date AS date, t.amount AS amount, t.currency AS currency,
       a.account_id AS from_account, b.account_id AS to_account,
       t.src_file AS src_file, t.src_row AS src_row
ORDER BY date, transfer_id, relation
