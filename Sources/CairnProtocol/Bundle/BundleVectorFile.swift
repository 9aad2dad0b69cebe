import CairnCrypto
import CairnModel
import CairnWire
import Foundation

/// What a site holds, exported to a file for a sender it never connects to (layout in
/// `Proto/cairn/v1/bundle.proto`): the positions of every stream it holds, its certificate,
/// and its signature over both. The sender verifies the certificate against its charter and the
/// signature under the certified key, then sends only what the positions lack.
public struct BundleVectorFile: Hashable, Sendable {
    /// The first 8 bytes of every vector file.
    public static let magic = Array("CAIRNVC1".utf8)
    /// Domain of the device's signature over the body.
    public static let signatureDomain = Array("cairn/v1/bundle-vector\0".utf8)

    public let federationID: [UInt8]
    /// The serialized `Signed` certificate of the device whose holdings these are.
    public let certificate: [UInt8]
    /// Unix seconds.
    public let createdAt: Int64
    /// Sorted by stream, one per stream.
    public let positions: [StreamPosition]
    /// The body exactly as signed, and the signature.
    public let body: [UInt8]
    public let signature: [UInt8]

    /// Builds and signs a vector file; `positions` are sorted here.
    public static func make(
        federationID: [UInt8], certificate: [UInt8], createdAt: Int64, positions: [StreamPosition], signer: Ed25519.PrivateKey
    ) -> [UInt8] {
        var wire = Cairn_V1_BundleVector()
        wire.format = BundleHeader.format
        wire.federationID = Data(federationID)
        wire.deviceCertificate = Data(certificate)
        wire.createdAt = createdAt
        wire.positions = positions.sorted().map(\.wire)
        let body = WireDecoding.encode(wire)
        return magic + BundleWire.u32(body.count) + body + signer.signature(for: signatureDomain + body)
    }

    /// Checks the layout and every field; the signature is checked by `verifySignature(with:)`
    /// once the caller has verified `certificate`.
    public static func parse(_ bytes: [UInt8], limits: BundleLimits = .default) throws -> BundleVectorFile {
        guard bytes.count <= limits.maxVectorFileBytes else {
            throw BundleError.tooLarge(what: "vector file", size: bytes.count, limit: limits.maxVectorFileBytes)
        }
        guard bytes.count >= magic.count + 4, Array(bytes[0..<magic.count]) == magic else {
            throw BundleError.malformed("not a Cairn vector file (wrong magic)")
        }
        let length = BundleWire.readU32(bytes, at: magic.count)
        let start = magic.count + 4
        guard length >= 1, bytes.count == start + length + Ed25519.signatureLength else {
            throw BundleError.truncated("the vector file's length does not match its body (\(length) bytes) and signature")
        }
        let body = Array(bytes[start..<start + length])
        let wire: Cairn_V1_BundleVector
        do {
            wire = try Cairn_V1_BundleVector(serializedBytes: body, options: BundleWire.options)
        } catch {
            throw BundleError.malformed("vector file: \(error)")
        }
        guard wire.format == BundleHeader.format else { throw BundleError.unsupportedFormat(wire.format) }
        guard wire.federationID.count == BundleHeader.federationIDLength else {
            throw BundleError.malformed("vector file: federation id of \(wire.federationID.count) bytes")
        }
        guard !wire.deviceCertificate.isEmpty, wire.deviceCertificate.count <= limits.maxTrustObjectBytes else {
            throw BundleError.malformed("vector file: certificate of \(wire.deviceCertificate.count) bytes")
        }
        let positions: [StreamPosition]
        do {
            positions = try SyncFrameCheck.positions(wire.positions, limits: .default)
        } catch {
            throw BundleError.malformed("vector file: \(error)")
        }
        return BundleVectorFile(
            federationID: Array(wire.federationID), certificate: Array(wire.deviceCertificate), createdAt: wire.createdAt,
            positions: positions, body: body, signature: Array(bytes[(start + length)...]))
    }

    /// Throws `badSignature` unless the body was signed by `key` (the certified device's).
    public func verifySignature(with key: Ed25519.PublicKey) throws {
        guard key.isValidSignature(signature, for: Self.signatureDomain + body) else { throw BundleError.badSignature }
    }
}
