// name: titles_acquired_by_relatives
// title.en: Properties titled to relatives within N days before acceptance
// title.zh: 受理前 N 日内登记到亲属名下的财产
// description.en: Title acquisitions by the debtor's relatives within the look-back window, from anyone (the debtor, a dealer, a developer): assets bought with the debtor's money are often titled to a spouse or child.
// description.zh: 回溯期内债务人亲属取得产权的记录，不论转让方是谁（债务人、经销商或开发商）：用债务人资金购买的财产常登记在配偶或子女名下。
// param: case_id string | The case (case_id) | 案件编号
// param: days days = 730 | Look-back window in days, ending on the acceptance date | 回溯天数（截至受理日）
// returns: case_id, debtor_id, relative_id, relation, property_id, kind, title_transfer_id, date, from_party, price, market_value, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[rel:RELATED_TO]->(r:Person)-[e:ACQUIRED_TITLE]->(pr:Property)
WHERE e.date <= coalesce(k.acceptance_date, k.filing_date)
  AND e.date >= coalesce(k.acceptance_date, k.filing_date) - $days
RETURN k.case_id AS case_id, d.person_id AS debtor_id, r.person_id AS relative_id,
       rel.relation AS relation, pr.property_id AS property_id, pr.kind AS kind,
       e.title_transfer_id AS title_transfer_id, e.date AS date, e.from_party AS from_party,
       e.price AS price, coalesce(e.market_value, pr.market_value) AS market_value,
       e.src_file AS src_file, e.src_row AS src_row
ORDER BY date, title_transfer_id, relation
