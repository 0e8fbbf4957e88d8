// name: cash_withdrawals_before_filing
// title.en: Cash withdrawals before filing
// title.zh: 申请前的现金取款
// description.en: Cash withdrawals from the debtor's accounts within the given days before the filing date (the day before filing included, the filing day not).
// description.zh: 申请日前一定天数内债务人账户的现金取款（含申请日前一日，不含申请日当天）。
// param: case_id string | The case (case_id) | 案件编号
// param: days days = 365 | Days before the filing date | 申请日前的天数
// returns: case_id, debtor_id, account_id, transfer_id, date, amount, currency, channel, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person|Company)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[:HOLDS]->(a:Account)-[t:TRANSFERRED_TO]->(c:Account)
WHERE a.synthetic = false AND c.synthetic = true
  AND t.date < k.filing_date AND t.date >= k.filing_date - $days
RETURN k.case_id AS case_id, coalesce(d.person_id, d.company_id) AS debtor_id,
       a.account_id AS account_id, t.transfer_id AS transfer_id, t.date AS date,
       t.amount AS amount, t.currency AS currency, t.channel AS channel,
       t.src_file AS src_file, t.src_row AS src_row
ORDER BY date, transfer_id
