// name: case_summary
// title.en: The case record
// title.zh: 案件基本信息
// description.en: The case as recorded: debtor, type, jurisdiction, court, filing, acceptance and judgment dates, the claim, and the input row it was loaded from.
// description.zh: 案件的登记信息：债务人、案件类型、法域、法院、申请日、受理日、判决日、债权金额，以及其来源的输入行。
// param: case_id string | The case (case_id) | 案件编号
// returns: case_id, debtor_id, debtor_name, case_type, jurisdiction, court, filing_date, acceptance_date, judgment_date, claim_amount, currency, creditor, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person|Company)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
RETURN k.case_id AS case_id, coalesce(d.person_id, d.company_id) AS debtor_id,
       d.name AS debtor_name, k.case_type AS case_type, k.jurisdiction AS jurisdiction,
       k.court AS court, k.filing_date AS filing_date, k.acceptance_date AS acceptance_date,
       k.judgment_date AS judgment_date, k.claim_amount AS claim_amount,
       k.currency AS currency, k.creditor AS creditor, k.src_file AS src_file,
       k.src_row AS src_row
