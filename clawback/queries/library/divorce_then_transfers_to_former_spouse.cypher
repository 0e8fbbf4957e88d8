// name: divorce_then_transfers_to_former_spouse
// title.en: Divorce followed by transfers to the former spouse
// title.zh: 离婚后向前配偶的转账
// description.en: Transfers from the debtor to a former spouse dated on or after the end of the marriage and within the given number of days after it, with the relation record that dates the divorce.
// description.zh: 婚姻关系终止之日起一定天数内，债务人向前配偶的转账，并列出载明离婚日期的关系记录。
// param: case_id string | The case (case_id) | 案件编号
// param: days days = 365 | Days after the divorce to look at | 离婚后考察的天数
// returns: case_id, debtor_id, former_spouse_id, former_spouse_name, divorce_date, tie_src_file, tie_src_row, transfer_id, date, amount, currency, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[rel:RELATED_TO]->(x:Person)-[:HOLDS]->(b:Account)
WHERE rel.relation = 'former_spouse' AND rel.end_date IS NOT NULL
MATCH (d)-[:HOLDS]->(a:Account)-[t:TRANSFERRED_TO]->(b)
WHERE t.date >= rel.end_date AND t.date <= rel.end_date + $days
RETURN k.case_id AS case_id, d.person_id AS debtor_id, x.person_id AS former_spouse_id,
       x.name AS former_spouse_name, rel.end_date AS divorce_date,
       rel.src_file AS tie_src_file, rel.src_row AS tie_src_row,
       t.transfer_id AS transfer_id, t.date AS date, t.amount AS amount,
       t.currency AS currency, t.src_file AS src_file, t.src_row AS src_row
ORDER BY date, transfer_id, tie_src_row
