// name: money_paths_to_relatives
// title.en: Time-ordered money paths from the debtor to a relative within k hops
// title.zh: 债务人资金经 k 跳以内按时间顺序流向亲属的路径
// description.en: Chains of transfers that start at an account the debtor holds and end at an account a relative holds, each hop dated on or after the hop before it, the first hop within the look-back window. Shows the money routed through intermediaries as well as direct transfers (hops = 1).
// description.zh: 从债务人名下账户出发、到达亲属名下账户的转账链，每一跳的日期不早于上一跳，第一跳在回溯期内；既包括经中间人转手的资金，也包括直接转账（跳数为 1）。
// param: case_id string | The case (case_id) | 案件编号
// param: max_hops int = 4 | At most this many transfers in a chain (1 to 4) | 链条最多的转账笔数（1 至 4）
// param: days days = 730 | Look-back window in days for the first hop, ending on the acceptance date | 第一跳的回溯天数（截至受理日）
// returns: case_id, debtor_id, relative_id, relation, hops, transfer_ids, dates, amounts, first_date, last_date, src_files, src_rows
// audience: legal
// version: 1
// portable: false
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[rel:RELATED_TO]->(r:Person)-[:HOLDS]->(b:Account)
MATCH (d)-[:HOLDS]->(a:Account)
MATCH p = (a)-[:TRANSFERRED_TO*1..4]->(b)
WITH k, d, r, rel, relationships(p) AS ts
WHERE size(ts) <= $max_hops
  AND ts[0].date >= coalesce(k.acceptance_date, k.filing_date) - $days
  AND ts[0].date <= coalesce(k.acceptance_date, k.filing_date)
  AND all(i IN range(0, size(ts) - 2) WHERE ts[i].date <= ts[i + 1].date)
RETURN k.case_id AS case_id, d.person_id AS debtor_id, r.person_id AS relative_id,
       rel.relation AS relation, size(ts) AS hops,
       [t IN ts | t.transfer_id] AS transfer_ids, [t IN ts | t.date] AS dates,
       [t IN ts | t.amount] AS amounts, ts[0].date AS first_date,
       ts[size(ts) - 1].date AS last_date, [t IN ts | t.src_file] AS src_files,
       [t IN ts | t.src_row] AS src_rows
ORDER BY relative_id, relation, hops, transfer_ids
