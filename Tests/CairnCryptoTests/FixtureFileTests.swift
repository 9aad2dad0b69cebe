import Testing

/// Guards the fixtures themselves: a parameterized test over an empty or truncated list would
/// pass vacuously, so the expected shape of every file is pinned here.
@Suite("Known-answer fixture files")
struct FixtureFileTests {
    @Test func ed25519FixtureHasAllRFC8032VectorsAndNegatives() throws {
        let fixture = try Fixtures.ed25519()
        #expect(!fixture.source.isEmpty)
        #expect(fixture.vectors.map(\.name) == ["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"])
        #expect(fixture.negative.count >= 3)
        #expect(fixture.negative.allSatisfy { !$0.source.isEmpty })
        #expect(try hex(fixture.vectors[3].message).count == 1023)
    }

    @Test func xchachaFixtureMatchesTheDraftSentence() throws {
        let fixture = try Fixtures.xchacha()
        #expect(!fixture.source.isEmpty)
        #expect(try hex(fixture.plaintext) == Array(fixture.plaintextText.utf8))
        #expect(try hex(fixture.ciphertext).count == fixture.plaintextText.utf8.count)
        #expect(try hex(fixture.tag).count == 16)
    }

    @Test func blake2bFixtureCoversRFCKeyedAndShortOutputs() throws {
        let fixture = try Fixtures.blake2b()
        #expect(!fixture.source.isEmpty)
        #expect(fixture.vectors.allSatisfy { !$0.source.isEmpty })
        let keyedLengths = try fixture.vectors.filter { !$0.key.isEmpty }.map { try hex($0.input).count }
        #expect(Set(keyedLengths).isSuperset(of: [0, 1, 2, 3, 255]))
        #expect(fixture.vectors.contains { $0.key.isEmpty && $0.outputLength == 32 })
        #expect(fixture.vectors.contains { $0.input == "616263" && $0.outputLength == 64 })
    }

    @Test func x25519FixtureHasBothRFC7748KeyPairs() throws {
        let fixture = try Fixtures.x25519()
        #expect(!fixture.source.isEmpty)
        #expect(fixture.vectors.count == 2)
    }

    @Test func hexDecodingRejectsMalformedText() {
        #expect(throws: Fixtures.LoadError.self) { try hex("abc") }
        #expect(throws: Fixtures.LoadError.self) { try hex("zz") }
        #expect((try? hex("00ff7F")) == [0x00, 0xff, 0x7f])
    }
}
