// name: large_outgoing_transfers
// title.en: Large outgoing transfers before acceptance, with the counterparty
// title.zh: 受理前的大额转出及交易对手
// description.en: Every transfer of at least the given amount from the debtor's accounts within the look-back window, to anyone, with the receiving holder and the recorded relation to the debtor if there is one (empty: none recorded). Cash withdrawals appear with the debtor's own cash account as the receiver.
// description.zh: 回溯期内债务人账户每一笔不低于指定金额的转出（不论对方是谁），列出收款方及其与债务人已登记的关系（为空表示未登记）。现金取款的收款方显示为债务人自己的现金账户。
// param: case_id string | The case (case_id) | 案件编号
// param: min_amount float = 100000 | Smallest amount listed | 列出的最低金额
// param: days days = 730 | Look-back window in days, ending on the acceptance date | 回溯天数（截至受理日）
// returns: case_id, debtor_id, transfer_id, date, amount, currency, channel, memo, to_account, counterparty_id, counterparty_name, relation, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person|Company)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[:HOLDS]->(a:Account)-[t:TRANSFERRED_TO]->(b:Account)<-[:HOLDS]-(h:Person|Company)
WHERE a.synthetic = false AND t.amount >= $min_amount
  AND t.date <= coalesce(k.acceptance_date, k.filing_date)
  AND t.date >= coalesce(k.acceptance_date, k.filing_date) - $days
OPTIONAL MATCH (d)-[rel:RELATED_TO]->(h)
RETURN k.case_id AS case_id, coalesce(d.person_id, d.company_id) AS debtor_id,
       t.transfer_id AS transfer_id, t.date AS date, t.amount AS amount,
       t.currency AS currency, t.channel AS channel, t.memo AS memo,
       b.account_id AS to_account, coalesce(h.person_id, h.company_id) AS counterparty_id,
       h.name AS counterparty_name, rel.relation AS relation,
       t.src_file AS src_file, t.src_row AS src_row
ORDER BY date, transfer_id, relation
