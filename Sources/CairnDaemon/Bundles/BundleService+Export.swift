import CairnControl
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
    /// Envelope bytes one bundle carries at most, below the importer's upload bound.
    static let bundleContentBudget = ControlClient.maxBundleBytes - 8 * 1024 * 1024

    /// Builds the bundle for `request.recipient`: every delta this site holds at the levels
    /// both sides are cleared for that the recipient's vector does not show (from the vector
    /// file in the request, else the last one received, else none: everything), with the
    /// certificates of their authors and every revocation held, signed by this device and
    /// sealed to the recipient. Audited as `bundle.exported`.
    func exportBundle(
        _ request: BundleExportRequest, actor: String, progress: (BundleProgressEvent) -> Void = { _ in }
    ) throws -> (bundle: [UInt8], document: BundleExportDocument) {
        var fromFile: BundleVectorFile?
        if let since = request.since {
            guard let bytes = Data(base64Encoded: since) else { throw SiteError.refused(.badRequest, "since must be base64") }
            let (certificate, file) = try acceptVectorFile(Array(bytes))
            guard "\(certificate.ref)" == request.recipient else {
                throw SiteError.refused(
                    .badRequest, "the vector file is \(certificate.ref)'s, not \(request.recipient)'s; export it at \(request.recipient)")
            }
            fromFile = file
        }
        let recipient = try bundleRecipient(request.recipient)
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
        progress(BundleProgressEvent(event: "progress", phase: "read", done: 0, total: total))
        var contents = BundleContents()
        var authors: Set<DeviceID> = []
        var carriedLevels: Set<String> = []
        var budget = Self.bundleContentBudget
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
                progress(BundleProgressEvent(event: "progress", phase: "read", done: contents.deltas.count, total: total))
            }
        }
        contents.certificates = ledger.read { state in
            authors.sorted().compactMap { $0 == recipient.deviceID ? nil : state.devices.certificate($0)?.signed.serialized() }
        }
        contents.revocations = trust.revocationObjects()
        let carried = levels.filter { carriedLevels.contains($0) }
        let bundleID = SecureRandom.bytes(BundleHeader.idLength)
        progress(BundleProgressEvent(event: "progress", phase: "seal", done: 0, total: contents.deltas.count))
        let bundle: [UInt8]
        do {
            bundle = try BundleWriter.write(
                contents, federationID: trust.charter().federationID, senderCertificate: identity.certificate.signed.serialized(),
                signer: identity.keys.signing, recipient: recipient.deviceID, recipientWrappingKey: recipient.wrappingKey,
                levels: carried, createdAt: Int64(Date().timeIntervalSince1970), bundleID: bundleID)
        } catch {
            throw SiteError.failed("the bundle could not be written: \(error)")
        }
        let document = BundleExportDocument(
            bundle: Hex.encode(bundleID), recipient: "\(recipient.ref)", clearance: recipient.clearance, vector: vectorSource,
            vectorAt: vectorAt.map { DocumentMapping.time(seconds: $0) }, levels: carried, deltas: contents.deltas.count,
            certificates: contents.certificates.count, revocations: contents.revocations.count, bytes: bundle.count,
            complete: complete)
        try audit(
            "bundle.exported", actor: actor,
            detail: [
                "bundle": document.bundle, "recipient": document.recipient, "deltas": "\(document.deltas)",
                "levels": carried.joined(separator: ","), "vector": vectorSource, "complete": "\(complete)",
            ])
        logger.info(
            "bundle.exported",
            metadata: ["bundle.id": "\(document.bundle)", "recipient": "\(document.recipient)", "bundle.deltas": "\(document.deltas)"])
        return (bundle, document)
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
