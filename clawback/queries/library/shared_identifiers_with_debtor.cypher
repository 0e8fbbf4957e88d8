// name: shared_identifiers_with_debtor
// title.en: Persons and companies sharing a phone, address or device with the debtor
// title.zh: 与债务人共用电话、地址或设备的人员和企业
// description.en: Everyone linked to an identifier the debtor also uses (compared after normalization), with the relation to the debtor where one is recorded. A shared identifier with no recorded relation may reveal a hidden tie.
// description.zh: 与债务人使用同一联系标识（规范化后比较）的所有人员和企业，并列出已登记的与债务人的关系；没有登记关系却共用标识，可能说明存在隐蔽关联。
// param: case_id string | The case (case_id) | 案件编号
// param: kinds list[string] = phone,address,device | Identifier kinds to compare | 比较的标识类型
// returns: case_id, debtor_id, other_id, other_name, relation, kind, value, identifier_id, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person|Company)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[:HAS_IDENTIFIER]->(i:Identifier)<-[h:HAS_IDENTIFIER]-(o:Person|Company)
WHERE i.kind IN $kinds
  AND coalesce(o.person_id, o.company_id) <> coalesce(d.person_id, d.company_id)
OPTIONAL MATCH (d)-[rel:RELATED_TO]->(o)
RETURN k.case_id AS case_id, coalesce(d.person_id, d.company_id) AS debtor_id,
       coalesce(o.person_id, o.company_id) AS other_id, o.name AS other_name,
       rel.relation AS relation, i.kind AS kind, i.value AS value,
       i.identifier_id AS identifier_id, h.src_file AS src_file, h.src_row AS src_row
ORDER BY kind, other_id, relation
