import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation
import Logging

/// Opens a site from its configuration, refusing to start on anything unsafe: a state
/// directory others can read, keys from `Keys/` outside test mode, a certificate that is expired,
/// foreign or for other keys, a charter older than the one already held, or a store that belongs
/// to another device. Then it creates what a first start needs. (The stored deltas and the
/// audit chain are checked once the daemon serves: `StoreCheck`.)
struct SiteLoader {
    let config: DaemonConfig
    let logger: Logger
    var now: () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    /// The device keys, when `StartupCheck` opened them already.
    var keys: DeviceSecretKeys?

    func load() throws -> Site {
        try StateDirectory.prepare(config.stateDirectory)
        let keys = try self.keys ?? trust("load the device keys") {
            try DeviceSecretKeys.load(from: config.deviceKeys, passphrase: try passphrase())
        }
        let offered = try trust("read the charter") { try SignedObject.read(from: config.charter, kind: .charter) }
        let database: CairnDatabase
        do {
            database = try CairnDatabase(path: config.stateDirectory + "/cairn.sqlite")
        } catch {
            throw DaemonError.startup("cannot open the store: \(error)")
        }
        try bindStore(database, to: keys)
        let charter = try CharterHistory(database: database, genesisFingerprint: config.charterFingerprint).accept(offered)
        if charter.signed.body != offered.body {
            logger.warning(
                "charter.configured_outdated",
                metadata: [
                    "charter.version": "\(charter.version)", "config.key": "device.charter",
                    "hint": "the configured charter is an older version of the history held; point device.charter at version \(charter.version)",
                ])
        }
        let certificate = try trust("verify the device certificate") {
            let signed = try SignedObject.read(from: config.certificate, kind: .certificate)
            let certificate = try DeviceCertificate.verify(signed, charter: charter, now: now())
            try certificate.requireMatches(keys)
            return certificate
        }
        try trust("check for test keys") {
            try TestKeyRegistry.check(charter, testMode: config.testMode)
            try TestKeyRegistry.check(certificate, testMode: config.testMode)
            try TestKeyRegistry.check(keys, testMode: config.testMode)
        }
        let identity = SiteIdentity(keys: keys, certificate: certificate, charter: charter)
        let auditAnchor = AuditAnchor(directory: config.stateDirectory, keys: keys)
        let tailBreak = try checkAuditTail(database: database, anchor: auditAnchor)
        var events: [StartupEvent] = []
        var state = try initialState(database: database, identity: identity)
        try KeyBootstrap(database: database, identity: identity, logger: logger).ensureEpochKeys(&state, events: &events)
        events.append(
            StartupEvent(
                kind: "daemon.started",
                detail: [
                    "device": identity.ref, "charterVersion": "\(charter.version)", "testMode": "\(config.testMode)",
                    "version": CairnVersion.string,
                ]))
        let indexKey = try loadIndexKey(database: database, keys: keys)
        try RecordKeyMigration(database: database, keys: RecordKeys(indexKey: indexKey), keyring: state.keyring, logger: logger).run()
        state.auditHead = try StartupEvent.record(events, after: tailBreak, in: database)
        let auditWitnesses = try openAuditLog(database: database, anchor: auditAnchor, keys: keys, state: &state)
        // The stored deltas and the audit chain are checked after start (`StoreCheck`).
        logger.info(
            "site.loaded",
            metadata: [
                "device.ref": "\(identity.ref)", "device.clearance": "\(identity.clearance)",
                "charter.version": "\(charter.version)", "site.test_mode": "\(config.testMode)",
            ])
        return Site(
            identity: identity, database: database, indexKey: indexKey, state: state, testMode: config.testMode, logger: logger,
            auditAnchor: auditAnchor, auditWitnesses: auditWitnesses)
    }

    /// The passphrase sealing the device keys: from `device.passphrase_file`, else from the
    /// systemd credential `device-passphrase`, else none (an unencrypted key file).
    private func passphrase() throws -> SecureBytes? {
        guard let path = StartupCheck.passphrasePath(config) else { return nil }
        do {
            // The reason comes with the errno (a file the daemon's user cannot read says so).
            return try PassphraseInput.read(path: path)
        } catch let failure as PassphraseInput.Failure {
            throw DaemonError.startup("\(failure) (as uid \(getuid()))")
        }
    }

    /// A store belongs to one device for life: one identity on two machines forks its history.
    private func bindStore(_ database: CairnDatabase, to keys: DeviceSecretKeys) throws {
        let mine = keys.deviceID.bytes
        if let bound = try database.meta(MetaKey.device) {
            guard bound == mine else {
                throw DaemonError.startup(
                    "the store in \(config.stateDirectory) belongs to another device (\(Hex.encode(bound).prefix(16))…); use a fresh state directory for this device")
            }
        } else {
            try database.setMeta(MetaKey.device, mine)
        }
    }

    private func initialState(database: CairnDatabase, identity: SiteIdentity) throws -> LedgerState {
        var heads: [String: StreamHead] = [:]
        var streams: [StreamID: StreamHead] = [:]
        for row in try database.streamHeads() {
            let head = StreamHead(sequence: row.sequence, deltaID: row.headID)
            // A stream head is written only for a verified author: a bad id is damage, and
            // skipping it would make the site forget (and re-receive) the whole stream.
            let author = try trust("read the stream heads") { try DeviceID(row.author) }
            streams[StreamID(author: author, level: row.level)] = head
            if author == identity.deviceID { heads[row.level] = head }
        }
        let mark = try database.meta(MetaKey.clock).flatMap(ClockMark.decode) ?? .zero
        var state = LedgerState(
            clock: HybridLogicalClock(clock: SystemWallClock(), last: mark), heads: heads, keyring: EpochKeyring(),
            deletedCounts: nil)
        state.streams = streams
        let charters = try CharterHistory(database: database, genesisFingerprint: config.charterFingerprint).verifiedChain()
        let (devices, withdrawn, dropped) = KnownDevices.load(try database.devices(), charters: charters)
        for problem in dropped {
            logger.warning("device.certificate_dropped", metadata: ["problem": "\(problem)"])
        }
        state.devices = devices
        for (device, withdrawal) in withdrawn { state.withdrawals.withdraw(device, withdrawal) }
        if state.devices.certificate(identity.deviceID)?.serial != identity.certificate.serial {
            // This device's configured certificate is authoritative for itself.
            state.devices.replace(identity.certificate)
            var batch = WriteBatch()
            batch.devices = [DeviceRow(identity.certificate, learnedAt: now())]
            try database.commit(batch)
        }
        state.grantsSeen = Set(try database.grantsSeen())
        state.charter = identity.charter
        for row in try database.revocations() {
            do {
                let signed = try SignedObject.parse(bytes: row.signed, kind: .revocation)
                state.withdrawals.insert(try Revocation.verify(signed, charter: identity.charter))
            } catch {
                // Verified when it was learned; failing now means the store was altered.
                throw DaemonError.startup("a stored revocation of \(row.agency)/\(row.device) no longer verifies (\(error)); the store may be damaged")
            }
        }
        return state
    }

    /// The key that turns record ids into store keys, sealed to this device's wrapping key.
    private func loadIndexKey(database: CairnDatabase, keys: DeviceSecretKeys) throws -> SecureBytes {
        if let sealed = try database.meta(MetaKey.indexKey) {
            do {
                return try SealedBox.open(sealed, with: keys.wrapping)
            } catch {
                throw DaemonError.startup("the store's index key cannot be opened with this device's keys: \(error)")
            }
        }
        let key = SecureRandom.secret(32)
        try database.setMeta(MetaKey.indexKey, SealedBox.seal(key, to: keys.wrapping.publicKey))
        return key
    }

    private func trust<T>(_ step: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SiteError {
            throw error
        } catch {
            throw DaemonError.startup("cannot \(step): \(error)")
        }
    }
}
