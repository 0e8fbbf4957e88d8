// name: case_parties_and_assets
// title.en: All parties and assets of a case
// title.zh: 案件的全部当事人与财产
// description.en: The debtor, every recorded relative, the companies in which the debtor or a relative holds a role, the debtor's accounts and the properties the debtor ever held title to, one row each with the record it comes from.
// description.zh: 债务人、已登记的全部亲属、债务人或其亲属任职或持股的企业、债务人的账户以及债务人曾取得产权的财产，每项一行并注明来源记录。
// param: case_id string | The case (case_id) | 案件编号
// returns: case_id, kind, id, name, detail, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person|Company)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
RETURN k.case_id AS case_id, 'debtor' AS kind, coalesce(d.person_id, d.company_id) AS id,
       d.name AS name, k.case_type AS detail, k.src_file AS src_file, k.src_row AS src_row
UNION ALL
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[rel:RELATED_TO]->(r:Person)
RETURN k.case_id AS case_id, 'relative' AS kind, r.person_id AS id, r.name AS name,
       rel.relation AS detail, rel.src_file AS src_file, rel.src_row AS src_row
ORDER BY id, detail
UNION ALL
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[:RELATED_TO*0..1]->(p:Person)-[role:ROLE_IN]->(c:Company)
RETURN DISTINCT k.case_id AS case_id, 'company' AS kind, c.company_id AS id,
       c.name AS name, p.person_id + ' ' + role.role AS detail,
       role.src_file AS src_file, role.src_row AS src_row
ORDER BY id, detail
UNION ALL
MATCH (d:Person|Company)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[:HOLDS]->(a:Account)
RETURN k.case_id AS case_id, 'account' AS kind, a.account_id AS id,
       a.institution AS name, a.account_type AS detail, a.src_file AS src_file,
       a.src_row AS src_row
ORDER BY id
UNION ALL
MATCH (d:Person|Company)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[:ACQUIRED_TITLE]->(pr:Property)
RETURN DISTINCT k.case_id AS case_id, 'property' AS kind, pr.property_id AS id,
       pr.description AS name, pr.kind AS detail, pr.src_file AS src_file,
       pr.src_row AS src_row
ORDER BY id
