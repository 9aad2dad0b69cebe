import CairnProtocol
import CairnStore
import Logging

/// Moves a store written before records were named by id and level (release 0.3 and earlier)
/// to keys that include the level (`RecordKeys`): every record row, link and withdrawal is
/// re-keyed from its stored key and level, and every record's state sealed again (its key is
/// part of the associated data), in one transaction, once.
///
/// A site of 0.3 that held one id at two levels kept the lower level's deltas linked but not
/// applied; they stay so (their links move to the lower level's key) and are applied again only
/// by a later write to that record. `cairn digest` shows such a site differing at that level.
struct RecordKeyMigration {
    static let flag = "records.keyed-by-level"

    let database: CairnDatabase
    let keys: RecordKeys
    let keyring: EpochKeyring
    let logger: Logger

    func run() throws {
        let keys = self.keys, keyring = self.keyring
        let count: CairnDatabase.RekeyCount
        do {
            count = try database.rekeyRecords(
                flag: Self.flag,
                newKey: { oldKey, level in keys.key(idKey: oldKey, level: level) },
                reseal: { row, newKey in
                    let epoch = try EpochRef(number: row.epochNumber, keyID: row.epochKeyID)
                    guard let key = keyring.key(level: row.level, epoch: epoch) else {
                        throw DaemonError.startup(
                            "a stored record of \(row.level) is sealed under epoch \(epoch.number), whose key this site does not hold; the store may be damaged")
                    }
                    let state = try RecordStateCodec.open(row.sealed, rowKey: row.key, level: row.level, epoch: epoch, key: key)
                    return RecordStateCodec.seal(state, rowKey: newKey, epoch: epoch, key: key)
                })
        } catch let error as SiteError {
            throw error
        } catch {
            throw DaemonError.startup("cannot move the store's records to keys that name their level: \(error)")
        }
        if count != CairnDatabase.RekeyCount() {
            logger.notice(
                "store.records_rekeyed",
                metadata: ["records": "\(count.records)", "links": "\(count.links)", "withdrawals": "\(count.withdrawals)"])
        }
    }
}
