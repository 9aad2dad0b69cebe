import CairnCrypto
import CairnModel
import Testing

@testable import CairnDaemon

/// Record keys remembered for the write path are the keys derived afresh, also across the
/// memory's bound.
@Suite struct RecordKeysTests {
    @Test func rememberedKeysEqualDerivedOnes() throws {
        let keys = RecordKeys(indexKey: SecureBytes(copying: [UInt8](repeating: 7, count: 32)))
        let other = RecordKeys(indexKey: SecureBytes(copying: [UInt8](repeating: 8, count: 32)))
        for n in 0..<(RecentKeys.limit + 10) {
            let id = try RecordID("r-\(n)")
            let fresh = keys.key(idKey: keys.idKey(id), level: "SECRET")
            #expect(keys.key(id, level: "SECRET") == fresh)
            #expect(keys.key(id, level: "SECRET") == fresh, "a remembered key differs")
            #expect(keys.key(id, level: "RESTRICTED") != fresh)
            if n % 1000 == 0 { #expect(other.key(id, level: "SECRET") != fresh, "two sites share a key") }
        }
    }
}
