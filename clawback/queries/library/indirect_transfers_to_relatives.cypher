// name: indirect_transfers_to_relatives
// title.en: Money passed to a relative through one intermediary
// title.zh: 经一名中间人转给亲属的资金
// description.en: Two-hop chains within the look-back window: the debtor pays an intermediary, who pays a relative of the debtor no earlier and at most the given number of days later. Runs on both stores (the k-hop version needs Neo4j).
// description.zh: 回溯期内的两跳资金链：债务人付款给中间人，中间人在其后指定天数内（不早于第一笔）付款给债务人的亲属。两种存储均可运行（k 跳版本需要 Neo4j）。
// param: case_id string | The case (case_id) | 案件编号
// param: days days = 730 | Look-back window in days for the first hop, ending on the acceptance date | 第一跳的回溯天数（截至受理日）
// param: max_gap days = 30 | At most this many days between the two hops | 两跳之间最多间隔的天数
// returns: case_id, debtor_id, intermediary_id, relative_id, relation, first_transfer_id, first_date, first_amount, first_src_row, second_transfer_id, second_date, second_amount, second_src_row, src_file
// audience: legal
// version: 1
// portable: true
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[rel:RELATED_TO]->(r:Person)-[:HOLDS]->(c:Account)
MATCH (d)-[:HOLDS]->(a:Account)-[t1:TRANSFERRED_TO]->(b:Account)-[t2:TRANSFERRED_TO]->(c)
MATCH (m:Person|Company)-[:HOLDS]->(b)
WHERE t1.date <= coalesce(k.acceptance_date, k.filing_date)
  AND t1.date >= coalesce(k.acceptance_date, k.filing_date) - $days
  AND t2.date >= t1.date AND t2.date <= t1.date + $max_gap
  AND coalesce(m.person_id, m.company_id) <> d.person_id
RETURN k.case_id AS case_id, d.person_id AS debtor_id,
       coalesce(m.person_id, m.company_id) AS intermediary_id, r.person_id AS relative_id,
       rel.relation AS relation, t1.transfer_id AS first_transfer_id, t1.date AS first_date,
       t1.amount AS first_amount, t1.src_row AS first_src_row,
       t2.transfer_id AS second_transfer_id, t2.date AS second_date,
       t2.amount AS second_amount, t2.src_row AS second_src_row, t2.src_file AS src_file
ORDER BY first_date, first_transfer_id, second_transfer_id, relation
