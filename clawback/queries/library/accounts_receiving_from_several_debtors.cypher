// name: accounts_receiving_from_several_debtors
// title.en: Accounts that received money from several debtors
// title.zh: 收到多名债务人资金的账户
// description.en: Accounts (cash accounts left out) that received transfers from the accounts of at least the given number of debtors, across all cases, with their holder, totals and first and last dates. A shared receiving account can be a common nominee.
// description.zh: 收到至少指定数量债务人账户转账的账户（不含现金账户），跨全部案件统计，列出持有人、合计金额及首末日期；多名债务人共同的收款账户可能是共同代持人。
// param: min_debtors int = 2 | At least this many distinct debtors | 至少这么多名不同的债务人
// returns: account_id, holder_id, holder_name, debtors, transfers, total_amount, first_date, last_date, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person|Company)-[:PARTY_TO]->(:Proceeding)
WITH DISTINCT d
MATCH (d)-[:HOLDS]->(a:Account)-[t:TRANSFERRED_TO]->(b:Account)<-[:HOLDS]-(h:Person|Company)
WHERE b.synthetic = false
WITH b, h, count(DISTINCT coalesce(d.person_id, d.company_id)) AS debtors,
     count(t) AS transfers, sum(t.amount) AS total_amount,
     min(t.date) AS first_date, max(t.date) AS last_date
WHERE debtors >= $min_debtors
RETURN b.account_id AS account_id, coalesce(h.person_id, h.company_id) AS holder_id,
       h.name AS holder_name, debtors, transfers, total_amount, first_date, last_date,
       b.src_file AS src_file, b.src_row AS src_row
ORDER BY debtors DESC, account_id
