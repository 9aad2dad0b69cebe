import CairnCrypto
import CairnModel

/// Writes bundle files (layout in `Proto/cairn/v1/bundle.proto`): signs the header with the
/// sender's device key and seals the contents for one recipient.
public enum BundleWriter {
    /// The first 8 bytes of every bundle file.
    public static let magic = Array("CAIRNBD1".utf8)
    /// Domain of the sender's signature over the header bytes.
    public static let signatureDomain = Array("cairn/v1/bundle\0".utf8)

    /// The bundle file carrying `contents` from the device whose certificate is
    /// `senderCertificate` (signing with `signer`) to `recipient`, readable only with the
    /// secret half of `recipientWrappingKey`.
    ///
    /// The content key is random per bundle and sealed to the recipient; the chunks are one
    /// secret stream whose associated data is the hash of the signed header, so no chunk can be
    /// moved to another bundle, reordered, dropped or cut off unnoticed.
    public static func write(
        _ contents: BundleContents, federationID: [UInt8], senderCertificate: [UInt8], signer: Ed25519.PrivateKey,
        recipient: DeviceID, recipientWrappingKey: X25519.PublicKey, levels: [String], createdAt: Int64,
        bundleID: [UInt8] = SecureRandom.bytes(BundleHeader.idLength), limits: BundleLimits = .default
    ) throws -> [UInt8] {
        let plaintexts = try contents.chunks(limits: limits)
        let contentKey = SecureRandom.secret(SecretStream.keyLength)
        let stream = try SecretStream.Writer(key: contentKey)
        let header = BundleHeader(
            federationID: federationID, bundleID: bundleID, senderCertificate: senderCertificate, recipient: recipient,
            recipientWrappingKey: recipientWrappingKey, createdAt: createdAt, deltas: UInt64(contents.deltas.count),
            certificates: UInt64(contents.certificates.count), revocations: UInt64(contents.revocations.count),
            levels: levels, chunks: UInt32(plaintexts.count), sealedContentKey: SealedBox.seal(contentKey, to: recipientWrappingKey),
            streamHeader: stream.header)
        let headerBytes = header.encode()
        guard headerBytes.count <= limits.maxHeaderBytes else {
            throw BundleError.tooLarge(what: "bundle header", size: headerBytes.count, limit: limits.maxHeaderBytes)
        }
        // Checked like a received one, so a writer never produces what readers refuse.
        _ = try BundleHeader.decode(headerBytes, limits: limits)
        var out = magic + BundleWire.u32(headerBytes.count) + headerBytes
        out += signer.signature(for: signatureDomain + headerBytes)
        let associatedData = BLAKE2b.hash(headerBytes)
        for (index, plaintext) in plaintexts.enumerated() {
            let sealed = try stream.push(plaintext, associatedData: associatedData, final: index == plaintexts.count - 1)
            out += BundleWire.u32(sealed.count)
            out += sealed
            guard out.count <= limits.maxBundleBytes else {
                throw BundleError.tooLarge(what: "bundle", size: out.count, limit: limits.maxBundleBytes)
            }
        }
        return out
    }
}
