import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation
import Synchronization

/// Bundles being imported now, by id: a second import of one of them is refused at once.
private let importsInProgress = Mutex<Set<[UInt8]>>([])

extension BundleService {
    /// Deltas handed to `ingest` at a time during an import.
    static let bundleIngestSlice = 1024

    /// Checks a bundle completely, then (unless `dryRun`) stores what it carries.
    ///
    /// Order: the layout and every length, the federation, the recipient, the sender's
    /// certificate against the charter, the header signature, the replay record; then every
    /// chunk is decrypted and everything it carries is verified (certificates and revocations
    /// against the charter, each delta as `ingest` would check it). Only when all of that
    /// passes are the certificates learned, the revocations accepted and the deltas ingested
    /// (a second decryption pass), and the bundle remembered so that it is never imported
    /// twice. A dry run stops before storing anything, audit entries included.
    ///
    /// Imports and refused imports are audited (`bundle.imported`, `bundle.refused`).
    func importBundle(
        _ bytes: [UInt8], dryRun: Bool, actor: String, progress: (BundleProgress) -> Void = { _ in }
    ) throws -> BundleImported {
        do {
            return try importChecked(bytes, dryRun: dryRun, actor: actor, progress: progress)
        } catch SiteError.refused(let code, let message) where !dryRun && BundleRefusal.codes.contains(code) {
            logger.warning("bundle.refused", metadata: ["error.code": "\(code.rawValue)"])
            do {
                try audit("bundle.refused", actor: actor, detail: ["reason": code.rawValue, "detail": String(message.prefix(400))])
            } catch {
                // The import is refused either way; what is lost is its audit entry, so say so.
                storeFailed(.bundleImport, error)
            }
            throw SiteError.refused(code, message)
        }
    }

    private func importChecked(
        _ bytes: [UInt8], dryRun: Bool, actor: String, progress: (BundleProgress) -> Void
    ) throws -> BundleImported {
        let (file, sender) = try openBundle(bytes)
        let header = file.header
        let id = header.bundleIDHex
        if !dryRun {
            let claimed = importsInProgress.withLock { $0.insert(header.bundleID).inserted }
            guard claimed else { throw BundleRefusal.alreadyImported(id, at: "it is being imported now") }
        }
        defer { if !dryRun { _ = importsInProgress.withLock { $0.remove(header.bundleID) } } }

        // Pass 1: decrypt and verify everything.
        let verified = try verifyContents(file, sender: sender, progress: progress)
        var document = BundleImported(
            bundleID: id, sender: sender, createdAt: header.createdAt, dryRun: dryRun,
            levels: header.levels, deltas: Int(header.deltas), certificates: Int(header.certificates),
            revocations: Int(header.revocations), new: verified.new, skipped: verified.skippedIndexes.count,
            skippedReasons: verified.skipped)
        if dryRun { return document }

        // Pass 2: store.
        let source = "bundle:\(id.prefix(16))"
        document.certificatesLearned = try keys.learn(Array(verified.certificates.values) + [sender], from: source)
        // A revocation that verified but could not be stored fails the import (before any delta).
        document.revocationsLearned = try trust.accept(revocations: verified.revocations, from: source)
        let deltaSource = DeltaSource(name: source, clearance: sender.clearance)
        var done = 0
        var position = 0
        do {
            try file.forEachChunk(with: identity.keys.wrapping) { chunk in
                // Deltas skipped in the check (numbered from 1 over the whole bundle) stay out.
                let kept = chunk.deltas.filter { _ in
                    position += 1
                    return !verified.skippedIndexes.contains(position)
                }
                var start = 0
                while start < kept.count {
                    let slice = Array(kept[start..<min(kept.count, start + Self.bundleIngestSlice)])
                    let report = try ingest.ingest(slice, from: deltaSource)
                    document.stored += report.stored + report.released
                    document.duplicate += report.duplicate
                    document.pending += report.pending
                    document.refused += report.refused
                    for (reason, count) in report.refusals { document.refusals[reason, default: 0] += count }
                    start += slice.count
                    done += slice.count
                }
                done += chunk.deltas.count - kept.count
                progress(BundleProgress(phase: "store", done: done, total: Int(header.deltas)))
            }
        } catch let error as BundleError {
            // It decrypted a moment ago: the bytes changed in memory, or the machine is failing.
            throw SiteError.failed("the bundle could not be read a second time: \(error)")
        }
        _ = try storeAccess {
            try database.saveBundleSeen(
                BundleSeenRow(
                    bundleID: header.bundleID, sender: sender.deviceID.bytes, senderRef: "\(sender.ref)",
                    importedAt: Int64(Date().timeIntervalSince1970), deltas: Int64(header.deltas),
                    certificates: Int64(header.certificates), stored: Int64(document.stored)))
        }
        try audit(
            "bundle.imported", actor: actor,
            detail: [
                "bundle": id, "sender": "\(sender.ref)", "deltas": "\(header.deltas)", "stored": "\(document.stored)",
                "duplicate": "\(document.duplicate)", "refused": "\(document.refused)", "levels": header.levels.joined(separator: ","),
            ])
        logger.info(
            "bundle.imported",
            metadata: ["bundle.id": "\(header.bundleIDHex)", "sender": "\(sender.ref)", "bundle.deltas": "\(header.deltas)", "bundle.stored": "\(document.stored)"])
        return document
    }

    /// The checks that need no decryption: layout, federation, recipient, sender, signature,
    /// replay, and the levels the header declares.
    private func openBundle(_ bytes: [UInt8]) throws -> (BundleFile, DeviceCertificate) {
        let file: BundleFile
        do {
            file = try BundleFile.parse(bytes)
        } catch let error as BundleError {
            throw BundleRefusal.invalid(error)
        }
        let header = file.header
        let charter = trust.charter()
        guard ConstantTime.equals(header.federationID, charter.federationID) else { throw BundleRefusal.foreign("bundle") }
        guard header.recipient == identity.deviceID, header.recipientWrappingKey == identity.keys.wrapping.publicKey else {
            throw BundleRefusal.notForUs(ledger.read { $0.devices.displayName(header.recipient) })
        }
        let sender: DeviceCertificate
        do {
            sender = try DeviceCertificate.verifyIgnoringTime(
                try SignedObject.parse(bytes: header.senderCertificate, kind: .certificate), charter: charter)
        } catch {
            throw BundleRefusal.invalid("its sender's certificate does not verify against this federation's charter (\(error))")
        }
        guard header.createdAt >= sender.notBefore - 300, header.createdAt < sender.notAfter else {
            throw BundleRefusal.invalid("it was made outside the validity of its sender's certificate")
        }
        if let withdrawal = ledger.read({ $0.withdrawals.withdrawal(of: sender) }), header.createdAt >= withdrawal.effectiveAt {
            throw BundleRefusal.invalid("its sender \(sender.ref) was withdrawn (\(withdrawal.reason)) before it made the bundle")
        }
        do {
            try file.verifySignature(with: sender.signingKey)
        } catch {
            throw BundleRefusal.invalid("\(error)")
        }
        if let seen = try storeAccess({ try database.bundleSeen(header.bundleID) }) {
            throw BundleRefusal.alreadyImported(header.bundleIDHex, at: "on \(Date(timeIntervalSince1970: Double(seen.importedAt)).formatted(.iso8601))")
        }
        for level in header.levels {
            guard identity.levels.contains(level), identity.levels.isAtOrBelow(level, sender.clearance),
                identity.levels.isAtOrBelow(level, identity.clearance)
            else {
                throw BundleRefusal.invalid("it declares level \(level), which is unknown or above its sender's or this device's clearance")
            }
        }
        return (file, sender)
    }

    /// What pass 1 established: the verified certificates and revocations, how many deltas
    /// lie beyond what this site holds, and which deltas are skipped (refused for a reason that
    /// does not blame the sender) and why.
    private struct VerifiedContents {
        var certificates: [DeviceID: DeviceCertificate] = [:]
        var revocations: [[UInt8]] = []
        var new = 0
        var skipped: [String: Int] = [:]
        var skippedIndexes: Set<Int> = []
    }

    private func verifyContents(
        _ file: BundleFile, sender: DeviceCertificate, progress: (BundleProgress) -> Void
    ) throws -> VerifiedContents {
        let charter = trust.charter()
        let (devices, startingWithdrawals, heads) = ledger.read { ($0.devices, $0.withdrawals, $0.streams) }
        var withdrawals = startingWithdrawals
        var verified = VerifiedContents()
        var chain = BundleChainCheck(sender: sender.deviceID, heads: heads)
        var held: [StreamID: [UInt64: [UInt8]]] = [:]
        var checked = 0
        var index = 0
        do {
            try file.forEachChunk(with: identity.keys.wrapping) { chunk in
                for bytes in chunk.certificates {
                    let certificate: DeviceCertificate
                    do {
                        certificate = try DeviceCertificate.verifyIgnoringTime(try SignedObject.parse(bytes: bytes, kind: .certificate), charter: charter)
                    } catch {
                        throw BundleRefusal.invalid("a certificate it carries does not verify (\(error))")
                    }
                    verified.certificates[certificate.deviceID] = certificate
                }
                for bytes in chunk.revocations {
                    do {
                        withdrawals.insert(try Revocation.verify(try SignedObject.parse(bytes: bytes, kind: .revocation), charter: charter))
                    } catch {
                        throw BundleRefusal.invalid("a revocation it carries does not verify (\(error))")
                    }
                    verified.revocations.append(bytes)
                }
                var carried = verified.certificates
                carried[sender.deviceID] = carried[sender.deviceID] ?? sender
                let check = DeltaCheck(
                    levels: identity.levels, declared: Set(file.header.levels), senderClearance: sender.clearance,
                    ourClearance: identity.clearance, devices: devices, carried: carried, withdrawals: withdrawals)
                for result in check.checkAll(chunk.deltas) {
                    index += 1
                    switch result {
                    case .failure(let refusal):
                        // Only a refusal that blames the sender refuses the bundle whole; a delta
                        // whose author was revoked meanwhile (say) is skipped and counted.
                        guard !refusal.blamesSender else {
                            throw BundleRefusal.invalid("delta \(index) is refused (\(refusal.rawValue))")
                        }
                        verified.skipped[refusal.rawValue, default: 0] += 1
                        verified.skippedIndexes.insert(index)
                    case .success(let delta):
                        let hostile = try chain.check(delta) { stream, sequence in
                            // Read a run of the held ids at once: a bundle made without a vector
                            // repeats the sender's whole stream.
                            if let id = held[stream]?[sequence] { return id }
                            let ids = try storeRead(.bundleImport) {
                                try database.deltaIDs(
                                    author: stream.author.bytes, level: stream.level, from: sequence, through: sequence + 4_095)
                            }
                            held[stream] = ids
                            return ids[sequence]
                        }
                        if let hostile { throw BundleRefusal.invalid("delta \(index) is refused (\(hostile))") }
                        let stream = StreamID(author: delta.header.author, level: delta.header.level)
                        if delta.header.sequence > heads[stream]?.sequence ?? 0 { verified.new += 1 }
                    }
                }
                checked += chunk.deltas.count
                progress(BundleProgress(phase: "verify", done: checked, total: Int(file.header.deltas)))
            }
        } catch let error as BundleError {
            throw BundleRefusal.invalid(error)
        }
        return verified
    }
}
