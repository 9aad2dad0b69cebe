import CairnModel
import CairnWire
import Foundation
import SwiftProtobuf

extension SyncFrame {
    /// Decodes and checks one frame from the peer. Order: the size (before any parsing), then a
    /// count of repeated items on the raw bytes (before the parser allocates them), then the
    /// structure with bounded nesting, then every field's rules.
    public static func decode(_ bytes: [UInt8], limits: SyncLimits) throws(SyncError) -> SyncFrame {
        guard bytes.count <= limits.maxFrameBytes else {
            throw .frameTooLarge(size: bytes.count, limit: limits.maxFrameBytes)
        }
        try SyncPrescan.check(bytes, limits: limits)
        let message: Cairn_V1_SyncMessage
        do {
            message = try Cairn_V1_SyncMessage(serializedBytes: bytes, options: decodingOptions)
        } catch {
            throw .malformed(detail: "\(error)")
        }
        switch message.message {
        case nil:
            throw .malformed(detail: "no message kind is set")
        case .hello(let hello)?:
            return .hello(try SyncFrameCheck.hello(hello, limits: limits))
        case .summary(let summary)?:
            guard summary.digest.count == VectorDigest.length else {
                throw .invalid(what: "summary", detail: "digest of \(summary.digest.count) bytes")
            }
            guard summary.streams <= limits.maxVectorStreams else {
                throw .tooMany(
                    what: "streams in a summary", count: Int(summary.streams), limit: limits.maxVectorStreams)
            }
            return .summary(round: summary.round, digest: Array(summary.digest), streams: summary.streams)
        case .agree(let agree)?:
            return .agree(round: agree.round)
        case .vector(let vector)?:
            let positions = try SyncFrameCheck.positions(vector.positions, limits: limits)
            return .vector(round: vector.round, positions: positions, reply: vector.reply)
        case .deltas(let deltas)?:
            let envelopes = try SyncFrameCheck.items(
                deltas.envelopes, what: "delta envelope", count: limits.maxDeltasPerBatch,
                size: limits.maxEnvelopeBytes)
            return .deltas(batch: deltas.batch, envelopes: envelopes)
        case .ack(let ack)?:
            return .ack(
                AckCounts(
                    batch: ack.batch, stored: ack.stored, duplicate: ack.duplicate, pending: ack.pending,
                    refused: ack.refused))
        case .certificates(let certificates)?:
            return .certificates(
                try SyncFrameCheck.items(
                    certificates.certificates, what: "certificate", count: limits.maxCertificates,
                    size: limits.maxCertificateBytes))
        case .trust(let trust)?:
            // Either list may be empty, not both: an empty Trust frame says nothing.
            guard !trust.revocations.isEmpty || !trust.charters.isEmpty else {
                throw .invalid(what: "trust", detail: "no revocation and no charter")
            }
            return .trust(
                revocations: trust.revocations.isEmpty
                    ? []
                    : try SyncFrameCheck.items(
                        trust.revocations, what: "revocation", count: limits.maxCertificates, size: limits.maxCertificateBytes),
                charters: trust.charters.isEmpty
                    ? []
                    : try SyncFrameCheck.items(
                        trust.charters, what: "charter", count: SyncLimits.maxCharters, size: SyncLimits.maxCharterBytes))
        case .auditHeads(let heads)?:
            guard heads.hasOwn || heads.hasYours else { throw .invalid(what: "audit heads", detail: "neither own nor yours") }
            return .auditHeads(
                own: heads.hasOwn ? try SyncFrameCheck.auditHead(heads.own, what: "own audit head") : nil,
                yours: heads.hasYours ? try SyncFrameCheck.auditHead(heads.yours, what: "yours audit head") : nil)
        case .earlyGrants(let grants)?:
            return .earlyGrants(
                try SyncFrameCheck.items(
                    grants.envelopes, what: "early grant", count: SyncFrame.maxEarlyGrants, size: limits.maxEnvelopeBytes))
        case .reconcile(let bytes)?:
            // Checked by `ReconcileMessage.decode` alone, against the session's limits (the
            // frame limit already bounds it).
            return .reconcile(Array(bytes))
        case .goodbye(let goodbye)?:
            let size = goodbye.reason.utf8.count
            guard size <= limits.maxReasonBytes else {
                throw .tooLarge(what: "goodbye reason", size: size, limit: limits.maxReasonBytes)
            }
            let codeSize = goodbye.code.utf8.count
            guard codeSize <= SyncFrame.maxGoodbyeCodeBytes else {
                throw .tooLarge(what: "goodbye code", size: codeSize, limit: SyncFrame.maxGoodbyeCodeBytes)
            }
            return .goodbye(goodbye.reason, code: goodbye.code)
        }
    }

    /// The serialized `SyncMessage`, without the 4-byte length prefix of the framing.
    public func encode() -> [UInt8] {
        // Serializing a message built from plain values cannot fail.
        try! toWire().serializedBytes()
    }

    /// Proto3 frames are not signed, so unknown fields from a newer peer are skipped rather than
    /// kept; three levels of messages are all the protocol has (message, vector, position).
    static let decodingOptions: BinaryDecodingOptions = {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = 8
        options.discardUnknownFields = true
        return options
    }()

    private func toWire() -> Cairn_V1_SyncMessage {
        var message = Cairn_V1_SyncMessage()
        switch self {
        case .hello(let hello):
            var wire = Cairn_V1_Hello()
            wire.protocol = hello.protocolVersion
            wire.federationID = Data(hello.federationID)
            wire.charterVersion = hello.charterVersion
            wire.certificate = Data(hello.certificate)
            wire.features = hello.features
            wire.listenPort = UInt32(hello.listenPort)
            message.hello = wire
        case .summary(let round, let digest, let streams):
            var wire = Cairn_V1_Summary()
            (wire.round, wire.digest, wire.streams) = (round, Data(digest), streams)
            message.summary = wire
        case .agree(let round):
            var wire = Cairn_V1_Agree()
            wire.round = round
            message.agree = wire
        case .vector(let round, let positions, let reply):
            var wire = Cairn_V1_Vector()
            wire.round = round
            wire.reply = reply
            wire.positions = positions.map(\.wire)
            message.vector = wire
        case .deltas(let batch, let envelopes):
            var wire = Cairn_V1_Deltas()
            wire.batch = batch
            wire.envelopes = envelopes.map { Data($0) }
            message.deltas = wire
        case .ack(let counts):
            var wire = Cairn_V1_Ack()
            wire.batch = counts.batch
            (wire.stored, wire.duplicate, wire.pending, wire.refused) =
                (counts.stored, counts.duplicate, counts.pending, counts.refused)
            message.ack = wire
        case .certificates(let certificates):
            var wire = Cairn_V1_Certificates()
            wire.certificates = certificates.map { Data($0) }
            message.certificates = wire
        case .trust(let revocations, let charters):
            var wire = Cairn_V1_Trust()
            wire.revocations = revocations.map { Data($0) }
            wire.charters = charters.map { Data($0) }
            message.trust = wire
        case .auditHeads(let own, let yours):
            var wire = Cairn_V1_AuditHeads()
            if let own { wire.own = own.wire }
            if let yours { wire.yours = yours.wire }
            message.auditHeads = wire
        case .reconcile(let bytes):
            message.reconcile = Data(bytes)
        case .earlyGrants(let envelopes):
            var wire = Cairn_V1_EarlyGrants()
            wire.envelopes = envelopes.map { Data($0) }
            message.earlyGrants = wire
        case .goodbye(let reason, let code):
            var wire = Cairn_V1_Goodbye()
            wire.reason = reason
            wire.code = code
            message.goodbye = wire
        }
        return message
    }
}

/// The field rules of `SyncFrame.decode`, one function per compound payload.
enum SyncFrameCheck {
    static func hello(_ hello: Cairn_V1_Hello, limits: SyncLimits) throws(SyncError) -> HelloFrame {
        guard hello.protocol == SyncFrame.protocolVersion else { throw .unsupportedProtocol(hello.protocol) }
        guard hello.federationID.count == SyncFrame.federationIDLength else {
            throw .invalid(what: "hello", detail: "federation id of \(hello.federationID.count) bytes")
        }
        guard hello.charterVersion >= 1 else { throw .invalid(what: "hello", detail: "charter version 0") }
        guard !hello.certificate.isEmpty else { throw .invalid(what: "hello", detail: "no certificate") }
        guard hello.certificate.count <= limits.maxCertificateBytes else {
            throw .tooLarge(what: "certificate", size: hello.certificate.count, limit: limits.maxCertificateBytes)
        }
        guard let listenPort = UInt16(exactly: hello.listenPort) else {
            throw .invalid(what: "hello", detail: "listen port \(hello.listenPort)")
        }
        return HelloFrame(
            protocolVersion: hello.protocol, federationID: Array(hello.federationID),
            charterVersion: hello.charterVersion, certificate: Array(hello.certificate), features: hello.features,
            listenPort: listenPort)
    }

    /// The shape of a signed audit head (32-byte device id and hash, sequence ≥ 1, 64-byte
    /// signature); the signature itself is checked by the daemon against the peer it came from.
    static func auditHead(_ wire: Cairn_V1_AuditHead, what: String) throws(SyncError) -> AuditHead {
        guard let device = try? DeviceID(Array(wire.device)) else {
            throw .invalid(what: what, detail: "device id of \(wire.device.count) bytes")
        }
        do {
            return try AuditHead(
                device: device, seq: wire.seq, hash: Array(wire.hash), signedAt: wire.signedAt, signature: Array(wire.signature))
        } catch {
            throw .invalid(what: what, detail: "\(error)")
        }
    }

    static func positions(_ wire: [Cairn_V1_StreamPosition], limits: SyncLimits) throws(SyncError) -> [StreamPosition] {
        guard wire.count <= limits.maxVectorStreams else {
            throw .tooMany(what: "vector positions", count: wire.count, limit: limits.maxVectorStreams)
        }
        var positions: [StreamPosition] = []
        positions.reserveCapacity(wire.count)
        for (index, entry) in wire.enumerated() {
            guard let author = try? DeviceID(Array(entry.author)) else {
                throw .invalid(what: "vector position \(index)", detail: "author of \(entry.author.count) bytes")
            }
            let position = StreamPosition(
                author: author, level: entry.level, sequence: entry.sequence, head: Array(entry.head))
            if let defect = position.defect() { throw .invalid(what: "vector position \(index)", detail: defect) }
            if let previous = positions.last, StreamPosition.compare(previous, position) >= 0 {
                throw .invalid(
                    what: "vector position \(index)", detail: "not after the previous stream (unsorted or duplicate)")
            }
            positions.append(position)
        }
        return positions
    }

    static func items(_ wire: [Data], what: String, count: Int, size: Int) throws(SyncError) -> [[UInt8]] {
        guard !wire.isEmpty else { throw .invalid(what: "\(what) list", detail: "empty") }
        guard wire.count <= count else { throw .tooMany(what: "\(what)s", count: wire.count, limit: count) }
        var items: [[UInt8]] = []
        items.reserveCapacity(wire.count)
        for (index, item) in wire.enumerated() {
            guard !item.isEmpty else { throw .invalid(what: "\(what) \(index)", detail: "empty") }
            guard item.count <= size else { throw .tooLarge(what: what, size: item.count, limit: size) }
            items.append(Array(item))
        }
        return items
    }
}

extension AuditHead {
    /// The protobuf form of the head.
    var wire: Cairn_V1_AuditHead {
        var wire = Cairn_V1_AuditHead()
        wire.device = Data(device.bytes)
        wire.seq = seq
        wire.hash = Data(hash)
        wire.signedAt = signedAt
        wire.signature = Data(signature)
        return wire
    }
}
