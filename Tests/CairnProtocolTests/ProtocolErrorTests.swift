import CairnProtocol
import Testing

@Suite("ProtocolError")
struct ProtocolErrorTests {
    static let all: [ProtocolError] = [
        .tooLarge(what: "delta envelope", size: 3_000_000, limit: 2_097_152),
        .malformed(what: "delta header", detail: "sequence 0"),
        .nonCanonical,
        .unsupportedFormat(9),
        .badSignature,
        .authorMismatch,
        .epochMismatch("a records delta must name its epoch"),
        .decryptionFailed,
        .invalidBody("invalid field name"),
        .grantNotForUs,
        .redacted,
    ]

    @Test func everyCaseSaysWhatHappened() {
        let descriptions = Self.all.map(\.description)
        #expect(Set(descriptions).count == Self.all.count)
        #expect(descriptions.allSatisfy { !$0.isEmpty })
        #expect(Self.all[0].description.contains("3000000") && Self.all[0].description.contains("2097152"))
        #expect(Self.all[1].description.contains("delta header") && Self.all[1].description.contains("sequence 0"))
        #expect(Self.all[3].description.contains("9"))
        #expect(Self.all.map(ErrorKind.init).count == Set(Self.all.map { "\($0.kind)" }).count)
    }
}
