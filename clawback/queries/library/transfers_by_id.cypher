// name: transfers_by_id
// title.en: Transfers by id, with their source records
// title.zh: 按编号查询转账及其来源记录
// description.en: The full record of each named transfer: both accounts and their holders, amount, dates, channel, memo, the input file and row it was loaded from and the load batch. Use it to cite the evidence ids a score or bundle lists.
// description.zh: 按编号列出每笔转账的完整记录：双方账户及持有人、金额、日期、渠道、附言，以及其来源的输入文件、行号和导入批次。用于引用评分或证据包列出的证据编号。
// param: transfer_ids list[string] | Transfer ids, comma-separated | 转账编号，逗号分隔
// returns: transfer_id, date, timestamp, amount, currency, channel, memo, from_account, from_holder, to_account, to_holder, src_file, src_row, load_batch
// audience: legal
// version: 1
// portable: true
MATCH (a:Account)-[t:TRANSFERRED_TO]->(b:Account)
WHERE t.transfer_id IN $transfer_ids
RETURN t.transfer_id AS transfer_id, t.date AS date, t.timestamp AS timestamp,
       t.amount AS amount, t.currency AS currency, t.channel AS channel, t.memo AS memo,
       a.account_id AS from_account, a.holder_id AS from_holder,
       b.account_id AS to_account, b.holder_id AS to_holder,
       t.src_file AS src_file, t.src_row AS src_row, t.load_batch AS load_batch
ORDER BY transfer_id
