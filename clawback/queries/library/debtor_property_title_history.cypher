// name: debtor_property_title_history
// title.en: The debtor's properties and their title history
// title.zh: 债务人的财产及其产权变动历史
// description.en: Every property the debtor ever acquired title to, with every recorded title transfer of it in date order: from whom, to whom, when, at what price against what market value.
// description.zh: 债务人曾取得产权的每一项财产，及其全部产权变动记录（按日期排序）：转让方、受让方、日期、价格与市场价值。
// param: case_id string | The case (case_id) | 案件编号
// returns: case_id, debtor_id, property_id, kind, title_transfer_id, date, from_party, to_party, price, market_value, share, src_file, src_row
// audience: legal
// version: 1
// portable: true
MATCH (d:Person|Company)-[:PARTY_TO]->(k:Proceeding {case_id: $case_id})
MATCH (d)-[:ACQUIRED_TITLE]->(pr:Property)
WITH DISTINCT k, d, pr
MATCH (x:Person|Company)-[e:ACQUIRED_TITLE]->(pr)
RETURN k.case_id AS case_id, coalesce(d.person_id, d.company_id) AS debtor_id,
       pr.property_id AS property_id, pr.kind AS kind, e.title_transfer_id AS title_transfer_id,
       e.date AS date, e.from_party AS from_party,
       coalesce(x.person_id, x.company_id) AS to_party, e.price AS price,
       e.market_value AS market_value, e.share AS share,
       e.src_file AS src_file, e.src_row AS src_row
ORDER BY property_id, date, title_transfer_id
