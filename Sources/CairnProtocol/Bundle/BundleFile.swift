import CairnCrypto
import CairnModel

/// A bundle file whose layout and header have been checked: every length is within the
/// limits and the chunks are located, but nothing is authenticated yet. A receiver checks the
/// header's federation and recipient, then `verifySignature(with:)` under the sender's
/// certified key, and only then opens the chunks with `forEachChunk(with:_:)`.
public struct BundleFile: Sendable {
    public let header: BundleHeader
    /// The header exactly as signed.
    public let headerBytes: [UInt8]
    public let signature: [UInt8]
    private let bytes: [UInt8]
    private let chunkRanges: [Range<Int>]
    private let limits: BundleLimits

    /// Checks the layout of `bytes`: magic, every length before it is used, the header's
    /// structure, exactly `header.chunks` chunks and nothing after them.
    public static func parse(_ bytes: [UInt8], limits: BundleLimits = .default) throws -> BundleFile {
        guard bytes.count <= limits.maxBundleBytes else {
            throw BundleError.tooLarge(what: "bundle", size: bytes.count, limit: limits.maxBundleBytes)
        }
        let magic = BundleWriter.magic
        guard bytes.count >= magic.count + 4 else { throw BundleError.truncated("\(bytes.count) bytes") }
        guard Array(bytes[0..<magic.count]) == magic else { throw BundleError.malformed("not a Cairn bundle (wrong magic)") }
        let headerLength = BundleWire.readU32(bytes, at: magic.count)
        guard headerLength >= 1 else { throw BundleError.malformed("empty header") }
        guard headerLength <= limits.maxHeaderBytes else {
            throw BundleError.tooLarge(what: "bundle header", size: headerLength, limit: limits.maxHeaderBytes)
        }
        let headerStart = magic.count + 4
        let signatureStart = headerStart + headerLength
        var offset = signatureStart + Ed25519.signatureLength
        guard bytes.count >= offset else { throw BundleError.truncated("the file ends inside its header or signature") }
        let headerBytes = Array(bytes[headerStart..<signatureStart])
        let header = try BundleHeader.decode(headerBytes, limits: limits)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(Int(header.chunks))
        while offset < bytes.count {
            guard ranges.count < Int(header.chunks) else {
                throw BundleError.malformed("bytes after the last of the header's \(header.chunks) chunks")
            }
            guard bytes.count - offset >= 4 else { throw BundleError.truncated("the file ends inside a chunk length") }
            let length = BundleWire.readU32(bytes, at: offset)
            let maximum = limits.maxChunkBytes + SecretStream.overhead
            guard length >= SecretStream.overhead else { throw BundleError.malformed("a chunk of \(length) bytes") }
            guard length <= maximum else { throw BundleError.tooLarge(what: "bundle chunk", size: length, limit: maximum) }
            offset += 4
            guard bytes.count - offset >= length else { throw BundleError.truncated("the file ends inside chunk \(ranges.count + 1)") }
            ranges.append(offset..<offset + length)
            offset += length
        }
        guard ranges.count == Int(header.chunks) else {
            throw BundleError.truncated("\(ranges.count) of \(header.chunks) chunks present")
        }
        return BundleFile(
            header: header, headerBytes: headerBytes, signature: Array(bytes[signatureStart..<signatureStart + Ed25519.signatureLength]),
            bytes: bytes, chunkRanges: ranges, limits: limits)
    }

    /// Throws `badSignature` unless the header was signed by `key` (the sender's certified
    /// signing key, which the caller takes from the verified `header.senderCertificate`).
    public func verifySignature(with key: Ed25519.PublicKey) throws {
        guard key.isValidSignature(signature, for: BundleWriter.signatureDomain + headerBytes) else {
            throw BundleError.badSignature
        }
    }

    /// Opens the content key with the recipient's wrapping key, then every chunk in order,
    /// calling `body` with each chunk's contents as soon as it is authenticated. Throws if a
    /// chunk fails, if the final chunk is not the last, if the stream ends without it, or if
    /// the totals differ from the header's counts (checked after the last chunk, so a caller
    /// that must not act before everything is verified runs this twice: once to check, once
    /// to act).
    public func forEachChunk(with wrappingKey: X25519.PrivateKey, _ body: (BundleContents) throws -> Void) throws {
        let contentKey: SecureBytes
        do {
            contentKey = try SealedBox.open(header.sealedContentKey, with: wrappingKey)
        } catch {
            throw BundleError.decryptionFailed("the content key does not open with this device's wrapping key")
        }
        let reader = try SecretStream.Reader(key: contentKey, header: header.streamHeader)
        let associatedData = BLAKE2b.hash(headerBytes)
        var totals = (deltas: UInt64(0), certificates: UInt64(0), revocations: UInt64(0))
        for (index, range) in chunkRanges.enumerated() {
            let plaintext: [UInt8]
            let final: Bool
            do {
                (plaintext, final) = try reader.pull(Array(bytes[range]), associatedData: associatedData)
            } catch {
                throw BundleError.decryptionFailed("chunk \(index + 1) of \(chunkRanges.count) does not authenticate")
            }
            let last = index == chunkRanges.count - 1
            if final && !last { throw BundleError.malformed("the final chunk is followed by more chunks") }
            if !final && last { throw BundleError.truncated("the payload ends without its final chunk") }
            guard plaintext.count <= limits.maxChunkBytes else {
                throw BundleError.tooLarge(what: "chunk plaintext", size: plaintext.count, limit: limits.maxChunkBytes)
            }
            let contents = try BundleContents.decode(plaintext, limits: limits)
            totals.deltas += UInt64(contents.deltas.count)
            totals.certificates += UInt64(contents.certificates.count)
            totals.revocations += UInt64(contents.revocations.count)
            guard totals.deltas <= header.deltas, totals.certificates <= header.certificates, totals.revocations <= header.revocations
            else { throw BundleError.malformed("the chunks carry more than the header counts") }
            try body(contents)
        }
        guard totals.deltas == header.deltas, totals.certificates == header.certificates, totals.revocations == header.revocations
        else { throw BundleError.malformed("the chunks carry less than the header counts") }
    }
}
