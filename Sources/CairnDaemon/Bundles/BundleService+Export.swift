import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Foundation

/// Bundles and vector files, for sites reached by carrying a file rather than over the network.
struct BundleService: SiteService {
    let kernel: SiteKernel
}

extension BundleService {
    /// Builds the bundle for `request.recipient`: every delta this site holds at the levels
    /// both sides are cleared for that the recipient's vector does not show (from the vector
    /// file in the request, else the last one received, else none: everything), with the
    /// certificates of their authors and every revocation held, signed by this device and
    /// sealed to the recipient, carrying at most `budget` bytes of envelopes (a bundle that
    /// stops there says it is not complete). Audited as `bundle.exported`.
    func exportBundle(
        for recipientRef: String, since: [UInt8]?, budget contentBudget: Int, actor: String,
        progress: (BundleProgress) -> Void = { _ in }
    ) throws -> (bundle: [UInt8], exported: BundleExported) {
        var fromFile: BundleVectorFile?
        if let since {
            let (certificate, file) = try acceptVectorFile(since)
            guard "\(certificate.ref)" == recipientRef else {
                throw SiteError.refused(
                    .badRequest, "the vector file is \(certificate.ref)'s, not \(recipientRef)'s; export it at \(recipientRef)")
            }
            fromFile = file
        }
        let recipient = try bundleRecipient(recipientRef)
        // The bundle may be the only way keys reach the recipient: grant it what it lacks now,
        // so that the grants are among the deltas read below.
        try keys.learn([recipient], from: "bundle:\(recipient.ref)", serving: recipient.deviceID)
        let levels = identity.readableLevels.filter { identity.levels.isAtOrBelow($0, recipient.clearance) }
        // What the recipient is known to hold.
        var vectorSource = "none"
        var vectorAt: Int64?
        var positions: [StreamPosition] = []
        if let fromFile {
            (vectorSource, vectorAt, positions) = ("file", fromFile.createdAt, fromFile.positions)
        } else if let stored = try storedVector(of: recipient.deviceID) {
            (vectorSource, vectorAt, positions) = ("stored", stored.at, stored.positions)
        }
        let held = Dictionary(positions.map { ($0.stream, $0.sequence) }, uniquingKeysWith: max)
        let wanted = Set(levels)
        let streams = ledger.read { state in
            state.streams.filter { wanted.contains($0.key.level) && $0.value.sequence > (held[$0.key] ?? 0) }
        }.sorted { $0.key < $1.key }

        let total = streams.reduce(0) { $0 + Int($1.value.sequence - min($1.value.sequence, held[$1.key] ?? 0)) }
        progress(BundleProgress(phase: "read", done: 0, total: total))
        var contents = BundleContents()
        var authors: Set<DeviceID> = []
        var carriedLevels: Set<String> = []
        var budget = contentBudget
        var complete = true
        streamLoop: for (stream, head) in streams {
            var next = (held[stream] ?? 0) + 1
            while next <= head.sequence {
                let rows = try storeAccess {
                    try database.deltas(author: stream.author.bytes, level: stream.level, fromSequence: next, limit: 512)
                }
                guard !rows.isEmpty else { break }
                for row in rows where row.sequence <= head.sequence {
                    // A stream is carried as a prefix: stopping at a delta keeps every stream whole up to there.
                    guard row.envelope.count <= budget else {
                        complete = false
                        break streamLoop
                    }
                    budget -= row.envelope.count
                    contents.deltas.append(row.envelope)
                    authors.insert(stream.author)
                    carriedLevels.insert(stream.level)
                }
                next = rows.last!.sequence + 1
                progress(BundleProgress(phase: "read", done: contents.deltas.count, total: total))
            }
        }
        contents.certificates = ledger.read { state in
            authors.sorted().compactMap { $0 == recipient.deviceID ? nil : state.devices.certificate($0)?.signed.serialized() }
        }
        contents.revocations = trust.revocationObjects()
        let carried = levels.filter { carriedLevels.contains($0) }
        let bundleID = SecureRandom.bytes(BundleHeader.idLength)
        progress(BundleProgress(phase: "seal", done: 0, total: contents.deltas.count))
        let bundle: [UInt8]
        do {
            bundle = try BundleWriter.write(
                contents, federationID: trust.charter().federationID, senderCertificate: identity.certificate.signed.serialized(),
                signer: identity.keys.signing, recipient: recipient.deviceID, recipientWrappingKey: recipient.wrappingKey,
                levels: carried, createdAt: Int64(Date().timeIntervalSince1970), bundleID: bundleID)
        } catch {
            throw SiteError.failed("the bundle could not be written: \(error)")
        }
        let exported = BundleExported(
            bundleID: bundleID, recipient: recipient, vectorSource: vectorSource, vectorAt: vectorAt, levels: carried,
            deltas: contents.deltas.count, certificates: contents.certificates.count, revocations: contents.revocations.count,
            bytes: bundle.count, complete: complete)
        try audit(
            "bundle.exported", actor: actor,
            detail: [
                "bundle": Hex.encode(bundleID), "recipient": "\(recipient.ref)", "deltas": "\(exported.deltas)",
                "levels": carried.joined(separator: ","), "vector": vectorSource, "complete": "\(complete)",
            ])
        logger.info(
            "bundle.exported",
            metadata: ["bundle.id": "\(Hex.encode(bundleID))", "recipient": "\(recipient.ref)", "bundle.deltas": "\(exported.deltas)"])
        return (bundle, exported)
    }

    /// The known, trusted device named `ref` (`agency/name`) other than this one.
    private func bundleRecipient(_ ref: String) throws -> DeviceCertificate {
        guard (try? DeviceRef.parse(ref)) != nil else {
            throw SiteError.refused(.badRequest, "\"\(ref)\" is not a device reference (agency/name)")
        }
        guard let certificate = ledger.read({ $0.devices.all.first { "\($0.ref)" == ref } }) else {
            throw BundleRefusal.unknownDevice(ref)
        }
        guard certificate.deviceID != identity.deviceID else {
            throw SiteError.refused(.badRequest, "\(ref) is this device; a bundle is for another site")
        }
        guard !trust.isWithdrawn(certificate) else {
            throw SiteError.refused(.badRequest, "\(ref) is revoked or withdrawn; nothing is exported for it")
        }
        return certificate
    }
}
