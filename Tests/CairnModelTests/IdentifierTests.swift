import CairnModel
import CairnTestSupport
import Testing

@Suite("Device and record ids")
struct IdentifierTests {
    @Test("a device id is exactly 32 bytes")
    func deviceIDLength() throws {
        #expect(throws: ModelError.invalidDeviceID(byteCount: 31)) { try DeviceID([UInt8](repeating: 0, count: 31)) }
        #expect(throws: ModelError.invalidDeviceID(byteCount: 33)) { try DeviceID([UInt8](repeating: 0, count: 33)) }
        #expect(throws: ModelError.invalidDeviceID(byteCount: 0)) { try DeviceID([]) }
        let id = try DeviceID(Array(0..<32))
        #expect(id.hex == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        #expect(id.short == "00010203")
        #expect(id.description == "00010203")
    }

    @Test("a device id round-trips through hex and refuses bad hex")
    func deviceIDHex() throws {
        let id = try DeviceID(Array(200..<232))
        #expect(try DeviceID(hex: id.hex) == id)
        #expect(try DeviceID(hex: id.hex.uppercased()) == id)
        #expect(throws: ModelError.invalidHex("abc")) { try DeviceID(hex: "abc") }
        #expect(throws: ModelError.invalidHex("zz")) { try DeviceID(hex: "zz") }
        #expect(throws: ModelError.invalidDeviceID(byteCount: 2)) { try DeviceID(hex: "abcd") }
    }

    @Test("device ids order by bytes, lexicographically")
    func deviceIDOrder() throws {
        var low = [UInt8](repeating: 0xFF, count: 32)
        low[0] = 0x01
        var high = [UInt8](repeating: 0x00, count: 32)
        high[0] = 0x02
        #expect(try DeviceID(low) < DeviceID(high))
        #expect(Fixture.alice < Fixture.bob)
        // A stamp tie on the clock is broken by the device.
        #expect(Fixture.stamp(5, 1) < Fixture.stamp(5, 2))
        #expect(Fixture.stamp(5, 9) < Fixture.stamp(6, 1))
    }

    @Test("record ids accept the documented alphabet", arguments: [
        "a", "incident-2024.07_x", "A0", String(repeating: "z", count: 64), "_lead",
    ])
    func validRecordIDs(raw: String) throws {
        #expect(try RecordID(raw).rawValue == raw)
    }

    @Test("record ids refuse everything else", arguments: [
        "", String(repeating: "z", count: 65), ".hidden", "-flag", "has space", "slash/x", "é", "a\n",
    ])
    func invalidRecordIDs(raw: String) {
        #expect(throws: ModelError.self) { try RecordID(raw) }
        do {
            _ = try RecordID(raw)
        } catch let error as ModelError {
            guard case .invalidRecordID(let reported, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(reported == raw)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("generated record ids are 26 characters of lowercase Crockford base32")
    func generatedRecordIDs() throws {
        #expect(RecordID.generate(randomBytes: [UInt8](repeating: 0, count: 16)).rawValue == String(repeating: "0", count: 26))
        #expect(RecordID.generate(randomBytes: [UInt8](repeating: 0xFF, count: 16)).rawValue == "7" + String(repeating: "z", count: 25))
        // 0x01 at the end sets only the last bit.
        var one = [UInt8](repeating: 0, count: 16)
        one[15] = 1
        #expect(RecordID.generate(randomBytes: one).rawValue == String(repeating: "0", count: 25) + "1")
        var rng = SeededRandom(seed: 42)
        var seen: Set<RecordID> = []
        let alphabet = Set("0123456789abcdefghjkmnpqrstvwxyz")
        for _ in 0..<1_000 {
            let id = RecordID.generate(randomBytes: rng.bytes(16))
            #expect(id.rawValue.count == 26)
            #expect(id.rawValue.allSatisfy(alphabet.contains))
            #expect(try RecordID(id.rawValue) == id)  // generated ids pass validation
            seen.insert(id)
        }
        #expect(seen.count == 1_000)
    }

    @Test("record ids order by their text")
    func recordIDOrder() {
        #expect(Fixture.record("a") < Fixture.record("b"))
        #expect(Fixture.record("B") < Fixture.record("a"))
        #expect(Fixture.record("x").description == "x")
    }
}
