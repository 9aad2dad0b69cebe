import CairnCrypto
import CairnProtocol
import CairnTrust
import CairnModel
import CairnStore
import Foundation
import Logging

/// A service of a site (records, ingest, keys, trust, withdrawal, bundles, status, audit): a
/// value over the site's kernel, with the primitives they all use (opening stored records,
/// naming them in logs, checking a level). Services are cheap values: one service reaches
/// another by making it (`RecordsService(kernel)`), never through `Site`.
protocol SiteService: Sendable {
    var kernel: SiteKernel { get }
}

extension SiteService {
    var identity: SiteIdentity { kernel.identity }
    var database: any SiteStore { kernel.store }
    var logger: Logger { kernel.logger }
    var ledger: Ledger { kernel.ledger }
    var metrics: SiteMetrics { kernel.metrics }
    var recordKeys: RecordKeys { kernel.recordKeys }
    var testMode: Bool { kernel.testMode }

    /// The store key of the record with this id at `level` (see `RecordKeys`).
    func rowKey(_ id: RecordID, level: String) -> [UInt8] {
        recordKeys.key(id, level: level)
    }

    /// How log lines name a record (`record.ref`): 8 bytes of a keyed hash of its id, so that
    /// the lines about one record can be followed on this site while the id stays out of the
    /// journal. Its key is derived from the index key, so a ref cannot be matched against the
    /// database's row keys. `id` is taken as given (it may be a refused, invalid one).
    func logRef(_ id: String) -> String {
        recordKeys.logRef(id)
    }

    func keyring() -> EpochKeyring {
        ledger.read { $0.keyring }
    }

    /// Loads and opens the materialized state of the record with this id at `level`.
    func loadState(_ id: RecordID, level: String, keyring: EpochKeyring) throws -> RecordState? {
        guard let row = try database.record(key: rowKey(id, level: level)) else { return nil }
        return try open(row, keyring: keyring)
    }

    func open(_ row: RecordRow, keyring: EpochKeyring) throws -> RecordState {
        let epoch = try EpochRef(number: row.epochNumber, keyID: row.epochKeyID)
        guard let key = keyring.key(level: row.level, epoch: epoch) else {
            throw SiteError.failed("no key for epoch \(epoch) of \(row.level) is held; the record cannot be read")
        }
        do {
            return try RecordStateCodec.open(row.sealed, rowKey: row.key, level: row.level, epoch: epoch, key: key)
        } catch {
            logger.error("record.unreadable", metadata: .error(error, ["record.level": "\(row.level)"]))
            throw SiteError.failed("a stored record could not be opened (\(error)); the store may be damaged")
        }
    }

    /// Ensures `level` is known to the charter and within this device's clearance.
    func checkLevel(_ level: String) throws {
        guard identity.levels.contains(level) else {
            throw SiteError.refused(
                .unknownLevel,
                "unknown classification \"\(level)\"; this federation's levels are \(identity.levels.names.joined(separator: ", "))")
        }
        guard identity.levels.isAtOrBelow(level, identity.clearance) else {
            throw SiteError.refused(.aboveClearance, "this device is cleared up to \(identity.clearance) and cannot hold \(level)")
        }
    }

    static func recordID(_ raw: String) throws -> RecordID {
        do {
            return try RecordID(raw)
        } catch let error as ModelError {
            throw SiteError.from(error)
        }
    }

    static func validate(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ModelError {
            throw SiteError.from(error)
        }
    }

    func storeAccess<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SiteError {
            throw error
        } catch {
            logger.error("store.read_failed", metadata: .error(error))
            throw SiteError.failed("the store could not be read: \(error)")
        }
    }

    /// Appends an entry to the audit log (through the ledger, so the chain has one writer), and
    /// returns once it is durable.
    func audit(_ kind: String, actor: String, detail: [String: String]) throws {
        try ledger.submitAndWait { context in
            context.audit(kind, actor: actor, detail: detail)
        }
    }
}

// How services reach one another: by value, over the same kernel. Each line names a
// dependency that exists in the code; keep the graph small.
extension RecordsService {
    var withdrawal: WithdrawalService { WithdrawalService(kernel: kernel) }
    var keys: KeysService { KeysService(kernel: kernel) }
}

extension IngestService {
    var withdrawal: WithdrawalService { WithdrawalService(kernel: kernel) }
    var keys: KeysService { KeysService(kernel: kernel) }
    var backlog: BacklogDrain { kernel.backlog }
}

extension TrustService {
    var keys: KeysService { KeysService(kernel: kernel) }
    var withdrawal: WithdrawalService { WithdrawalService(kernel: kernel) }
}

extension WithdrawalService {
    var records: RecordsService { RecordsService(kernel: kernel) }
    var withdrawalDrain: WithdrawalDrain { kernel.withdrawalDrain }
}

extension BundleService {
    var trust: TrustService { TrustService(kernel: kernel) }
    var keys: KeysService { KeysService(kernel: kernel) }
    var ingest: IngestService { IngestService(kernel: kernel) }
}

extension StatusService {
    var trust: TrustService { TrustService(kernel: kernel) }
    var audit: AuditService { AuditService(kernel: kernel) }
    var storeCheck: StoreCheck { kernel.storeCheck }
    var deletedCountLock: NSLock { kernel.deletedCountLock }
    var startedAt: Date { kernel.startedAt }
}

extension AuditService {
    var auditAnchor: AuditAnchor { kernel.auditAnchor }
    var auditWitnesses: AuditWitnesses { kernel.auditWitnesses }
}
