import CairnCrypto
import CairnModel
import CairnWire
import Foundation
import SwiftProtobuf

/// The signed part of a bundle (`BundleHeader` in `Proto/cairn/v1/bundle.proto`): who sent it,
/// for whom, what it carries, and the content key sealed to the recipient. Every field is
/// checked when it is read, so nothing past `BundleFile.parse` sees an unchecked value.
public struct BundleHeader: Hashable, Sendable {
    /// The format this build writes and reads.
    public static let format: UInt32 = 1
    /// Length of a bundle id.
    public static let idLength = 16
    /// Length of a federation id.
    public static let federationIDLength = 16
    /// Length of the sealed content key: the key and the sealed box's overhead.
    public static let sealedKeyLength = SecretStream.keyLength + SealedBox.overhead

    public var federationID: [UInt8]
    /// Random; what a receiver remembers to refuse a second import.
    public var bundleID: [UInt8]
    /// The sender's device certificate, a serialized `Signed`, verified by the receiver.
    public var senderCertificate: [UInt8]
    public var recipient: DeviceID
    public var recipientWrappingKey: X25519.PublicKey
    /// Unix seconds.
    public var createdAt: Int64
    public var deltas: UInt64
    public var certificates: UInt64
    public var revocations: UInt64
    /// The levels of the deltas carried, lowest first.
    public var levels: [String]
    public var chunks: UInt32
    public var sealedContentKey: [UInt8]
    public var streamHeader: [UInt8]

    /// Builds a header; the writer fills in the counts, the chunk count and the key fields.
    public init(
        federationID: [UInt8], bundleID: [UInt8], senderCertificate: [UInt8], recipient: DeviceID,
        recipientWrappingKey: X25519.PublicKey, createdAt: Int64, deltas: UInt64, certificates: UInt64,
        revocations: UInt64, levels: [String], chunks: UInt32, sealedContentKey: [UInt8], streamHeader: [UInt8]
    ) {
        self.federationID = federationID
        self.bundleID = bundleID
        self.senderCertificate = senderCertificate
        self.recipient = recipient
        self.recipientWrappingKey = recipientWrappingKey
        self.createdAt = createdAt
        self.deltas = deltas
        self.certificates = certificates
        self.revocations = revocations
        self.levels = levels
        self.chunks = chunks
        self.sealedContentKey = sealedContentKey
        self.streamHeader = streamHeader
    }

    /// The bundle id in lowercase hex.
    public var bundleIDHex: String { Hex.encode(bundleID) }

    func encode() -> [UInt8] {
        var wire = Cairn_V1_BundleHeader()
        wire.format = Self.format
        wire.federationID = Data(federationID)
        wire.bundleID = Data(bundleID)
        wire.senderCertificate = Data(senderCertificate)
        wire.recipient = Data(recipient.bytes)
        wire.recipientWrappingKey = Data(recipientWrappingKey.bytes)
        wire.createdAt = createdAt
        wire.deltas = deltas
        wire.certificates = certificates
        wire.revocations = revocations
        wire.levels = levels
        wire.chunks = chunks
        wire.sealedContentKey = Data(sealedContentKey)
        wire.streamHeader = Data(streamHeader)
        return WireDecoding.encode(wire)
    }

    /// Parses and checks header bytes (already bounded by the caller).
    static func decode(_ bytes: [UInt8], limits: BundleLimits) throws -> BundleHeader {
        let wire: Cairn_V1_BundleHeader
        do {
            wire = try Cairn_V1_BundleHeader(serializedBytes: bytes, options: BundleWire.options)
        } catch {
            throw BundleError.malformed("header: \(error)")
        }
        guard wire.unknownFields.data.isEmpty else { throw BundleError.malformed("header: unknown fields") }
        guard wire.format == Self.format else { throw BundleError.unsupportedFormat(wire.format) }
        func require(_ condition: Bool, _ detail: String) throws {
            if !condition { throw BundleError.malformed("header: \(detail)") }
        }
        try require(wire.federationID.count == Self.federationIDLength, "federation id of \(wire.federationID.count) bytes")
        try require(wire.bundleID.count == Self.idLength, "bundle id of \(wire.bundleID.count) bytes")
        try require(
            !wire.senderCertificate.isEmpty && wire.senderCertificate.count <= limits.maxTrustObjectBytes,
            "sender certificate of \(wire.senderCertificate.count) bytes")
        try require(wire.sealedContentKey.count == Self.sealedKeyLength, "sealed content key of \(wire.sealedContentKey.count) bytes")
        try require(wire.streamHeader.count == SecretStream.headerLength, "stream header of \(wire.streamHeader.count) bytes")
        try require(wire.chunks >= 1 && Int(wire.chunks) <= limits.maxChunks, "\(wire.chunks) chunks")
        try require(wire.createdAt >= 0, "negative creation time")
        for level in wire.levels {
            do {
                try LevelLattice.validateName(level)
            } catch {
                throw BundleError.malformed("header: level name \"\(level.prefix(40))\" is not valid")
            }
        }
        try require(Set(wire.levels).count == wire.levels.count, "a level named twice")
        let recipient: DeviceID
        let wrapping: X25519.PublicKey
        do {
            recipient = try DeviceID(Array(wire.recipient))
            wrapping = try X25519.PublicKey(bytes: Array(wire.recipientWrappingKey))
        } catch {
            throw BundleError.malformed("header: recipient keys: \(error)")
        }
        return BundleHeader(
            federationID: Array(wire.federationID), bundleID: Array(wire.bundleID), senderCertificate: Array(wire.senderCertificate),
            recipient: recipient, recipientWrappingKey: wrapping, createdAt: wire.createdAt, deltas: wire.deltas,
            certificates: wire.certificates, revocations: wire.revocations, levels: wire.levels, chunks: wire.chunks,
            sealedContentKey: Array(wire.sealedContentKey), streamHeader: Array(wire.streamHeader))
    }
}

/// Shared encoding rules of the bundle formats.
enum BundleWire {
    /// The bundle messages are flat: a header, a chunk, a vector of positions.
    static let options: BinaryDecodingOptions = {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = 8
        options.discardUnknownFields = false
        return options
    }()

    static func u32(_ value: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt32(value).bigEndian, Array.init)
    }

    static func readU32(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }
}
