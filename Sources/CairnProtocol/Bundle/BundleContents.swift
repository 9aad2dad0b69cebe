import CairnWire
import Foundation

/// What a bundle carries, as opaque bytes: the receiver verifies each item itself (certificates
/// and revocations against its charter, deltas against their authors' certificates).
public struct BundleContents: Hashable, Sendable {
    /// Serialized `Signed` device certificates.
    public var certificates: [[UInt8]]
    /// Serialized `Signed` revocations.
    public var revocations: [[UInt8]]
    /// Delta envelopes, verbatim; each stream in sequence order.
    public var deltas: [[UInt8]]

    /// Builds contents.
    public init(certificates: [[UInt8]] = [], revocations: [[UInt8]] = [], deltas: [[UInt8]] = []) {
        self.certificates = certificates
        self.revocations = revocations
        self.deltas = deltas
    }

    /// Whether nothing is carried.
    public var isEmpty: Bool { certificates.isEmpty && revocations.isEmpty && deltas.isEmpty }

    /// Cuts the contents into chunk plaintexts of about `limits.chunkTargetBytes` each (an item
    /// larger than that goes alone), certificates and revocations first, so that a reader meets
    /// every certificate before the deltas that need it. Always at least one chunk.
    func chunks(limits: BundleLimits) throws -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var current = Cairn_V1_BundleChunk()
        var size = 0
        var items = 0
        func flush() {
            chunks.append(WireDecoding.encode(current))
            current = Cairn_V1_BundleChunk()
            size = 0
            items = 0
        }
        func add(_ item: [UInt8], limit: Int, what: String, to field: WritableKeyPath<Cairn_V1_BundleChunk, [Data]>) throws {
            guard !item.isEmpty else { throw BundleError.malformed("an empty \(what)") }
            guard item.count <= limit else { throw BundleError.tooLarge(what: what, size: item.count, limit: limit) }
            let cost = item.count + 6
            if items > 0, size + cost > limits.chunkTargetBytes || items >= limits.maxItemsPerChunk { flush() }
            current[keyPath: field].append(Data(item))
            size += cost
            items += 1
        }
        for certificate in certificates {
            try add(certificate, limit: limits.maxTrustObjectBytes, what: "certificate", to: \.certificates)
        }
        for revocation in revocations {
            try add(revocation, limit: limits.maxTrustObjectBytes, what: "revocation", to: \.revocations)
        }
        for delta in deltas {
            try add(delta, limit: SealedDelta.maxEnvelopeBytes, what: "delta envelope", to: \.deltas)
        }
        flush()
        guard chunks.count <= limits.maxChunks else {
            throw BundleError.tooLarge(what: "chunk count", size: chunks.count, limit: limits.maxChunks)
        }
        return chunks
    }

    /// Parses one chunk plaintext (already bounded by the caller) and checks every item.
    static func decode(_ plaintext: [UInt8], limits: BundleLimits) throws -> BundleContents {
        let wire: Cairn_V1_BundleChunk
        do {
            wire = try Cairn_V1_BundleChunk(serializedBytes: plaintext, options: BundleWire.options)
        } catch {
            throw BundleError.malformed("chunk: \(error)")
        }
        guard wire.unknownFields.data.isEmpty else { throw BundleError.malformed("chunk: unknown fields") }
        let count = wire.certificates.count + wire.revocations.count + wire.deltas.count
        guard count <= limits.maxItemsPerChunk else {
            throw BundleError.tooLarge(what: "items in a chunk", size: count, limit: limits.maxItemsPerChunk)
        }
        func items(_ list: [Data], what: String, limit: Int) throws -> [[UInt8]] {
            try list.map { item in
                guard !item.isEmpty else { throw BundleError.malformed("chunk: an empty \(what)") }
                guard item.count <= limit else { throw BundleError.tooLarge(what: what, size: item.count, limit: limit) }
                return Array(item)
            }
        }
        return BundleContents(
            certificates: try items(wire.certificates, what: "certificate", limit: limits.maxTrustObjectBytes),
            revocations: try items(wire.revocations, what: "revocation", limit: limits.maxTrustObjectBytes),
            deltas: try items(wire.deltas, what: "delta envelope", limit: SealedDelta.maxEnvelopeBytes))
    }
}
