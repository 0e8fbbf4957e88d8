// name: undervalue_conveyances_to_relatives
// title.en: Conveyances to relatives below a share of market value
// title.zh: 以明显低于市场价值的价格向亲属转让财产
// description.en: Title transfers from the debtor to a relative within the look-back window whose price is below the given share (default 70 %) of the market value recorded on the transfer, or of the property when the transfer records none.
// description.zh: 回溯期内债务人向亲属转让产权、且价格低于市场价值一定比例（默认 70%）的记录；市场价值取转让记录中的值，缺失时取财产的估值。
// param: case_id string | The case (case_id) | 案件编号
// param: ratio float = 0.7 | Price below this share of market value counts | 价格低于市场价值的该比例即列出
// param: days days = 730 | Look-back window in days, ending on the acceptance date | 回溯天数（截至受理日）
// returns: case_id, debtor_id, property_id, kind, title_transfer_id, date, relative_id, relation, price, market_value, price_ratio, registration_ref, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[c:CONVEYED_TITLE]->(pr:Property)
MATCH (d)-[rel:RELATED_TO]->(r:Person)
WHERE r.person_id = c.to_party
  AND c.date <= coalesce(k.acceptance_date, k.filing_date)
  AND c.date >= coalesce(k.acceptance_date, k.filing_date) - $days
  AND coalesce(c.market_value, pr.market_value) > 0
  AND c.price < $ratio * coalesce(c.market_value, pr.market_value)
RETURN k.case_id AS case_id, d.person_id AS debtor_id, pr.property_id AS property_id,
       pr.kind AS kind, c.title_transfer_id AS title_transfer_id, c.date AS date,
       r.person_id AS relative_id, rel.relation AS relation, c.price AS price,
       coalesce(c.market_value, pr.market_value) AS market_value,
       round(c.price / coalesce(c.market_value, pr.market_value), 4) AS price_ratio,
       c.registration_ref AS registration_ref, c.src_file AS src_file, c.src_row AS src_row
ORDER BY date, title_transfer_id, relation
