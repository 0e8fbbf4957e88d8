// name: relatives_of_debtor
// title.en: The debtor's recorded relatives
// title.zh: 债务人已登记的亲属
// description.en: Every recorded tie of the debtor: who, the relation (what the relative is to the debtor), its start and end dates, where it was recorded and whether the input stated it or the loader added it as the inverse of a stated tie.
// description.zh: 债务人已登记的全部亲属关系：对方、关系（对方相对债务人的身份）、起止日期、记录来源，以及该关系是输入中载明的还是由载明关系反推得出的。
// param: case_id string | The case (case_id) | 案件编号
// returns: case_id, debtor_id, relative_id, relative_name, relation, start_date, end_date, stated, source, relation_id, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[rel:RELATED_TO]->(r:Person)
RETURN k.case_id AS case_id, d.person_id AS debtor_id, r.person_id AS relative_id,
       r.name AS relative_name, rel.relation AS relation, rel.start_date AS start_date,
       rel.end_date AS end_date, rel.stated AS stated, rel.source AS source,
       rel.relation_id AS relation_id, rel.src_file AS src_file, rel.src_row AS src_row
ORDER BY relative_id, relation, relation_id
