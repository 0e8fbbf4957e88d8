// name: relative_companies_receiving_funds
// title.en: Companies controlled by relatives that received the debtor's funds
// title.zh: 收到债务人资金的亲属控制企业
// description.en: Transfers within the look-back window from the debtor's accounts to accounts of a company in which a relative holds a role (shareholder, legal representative, director, ...), with the role record that links them.
// description.zh: 回溯期内债务人账户转入某企业账户的款项，而该企业中有债务人的亲属任职或持股（股东、法定代表人、董事等），并列出关联的任职记录。
// param: case_id string | The case (case_id) | 案件编号
// param: days days = 730 | Look-back window in days, ending on the acceptance date | 回溯天数（截至受理日）
// returns: case_id, debtor_id, company_id, company_name, incorporation_date, relative_id, relation, role, share, role_src_file, role_src_row, transfer_id, date, amount, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[rel:RELATED_TO]->(r:Person)-[ro:ROLE_IN]->(c:Company)-[:HOLDS]->(b:Account)
MATCH (d)-[:HOLDS]->(a:Account)-[t:TRANSFERRED_TO]->(b)
WHERE t.date <= coalesce(k.acceptance_date, k.filing_date)
  AND t.date >= coalesce(k.acceptance_date, k.filing_date) - $days
RETURN k.case_id AS case_id, d.person_id AS debtor_id, c.company_id AS company_id,
       c.name AS company_name, c.incorporation_date AS incorporation_date,
       r.person_id AS relative_id, rel.relation AS relation, ro.role AS role,
       ro.share AS share, ro.src_file AS role_src_file, ro.src_row AS role_src_row,
       t.transfer_id AS transfer_id, t.date AS date, t.amount AS amount,
       t.src_file AS src_file, t.src_row AS src_row
ORDER BY date, transfer_id, relative_id, role
