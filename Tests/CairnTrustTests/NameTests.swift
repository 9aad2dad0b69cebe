import Testing

@testable import CairnTrust

@Suite struct NameTests {
    @Test(arguments: ["a", "alpha", "0", "a-1", "x-", String(repeating: "z", count: 32)])
    func acceptsValidNames(name: String) throws {
        #expect(try AgencyName(name).value == name)
        #expect(try DeviceName(name).description == name)
    }

    @Test(arguments: ["", "-a", "Alpha", "a_b", "a b", "a/b", "é", String(repeating: "z", count: 33)])
    func refusesInvalidNames(name: String) {
        #expect(throws: TrustError.invalidAgencyName(name)) { try AgencyName(name) }
        #expect(throws: TrustError.invalidDeviceName(name)) { try DeviceName(name) }
    }

    @Test func deviceRefParsesAndPrints() throws {
        let ref = try DeviceRef.parse("alpha/hq")
        #expect(ref.agency.value == "alpha")
        #expect(ref.device.value == "hq")
        #expect(ref.description == "alpha/hq")
        #expect(ref == DeviceRef(agency: try AgencyName("alpha"), device: try DeviceName("hq")))
    }

    @Test func deviceRefRefusesMalformedText() {
        #expect(throws: TrustError.invalidDeviceRef("alpha")) { try DeviceRef.parse("alpha") }
        #expect(throws: TrustError.invalidDeviceRef("alpha/hq/x")) { try DeviceRef.parse("alpha/hq/x") }
        #expect(throws: TrustError.invalidAgencyName("")) { try DeviceRef.parse("/hq") }
        #expect(throws: TrustError.invalidDeviceName("HQ")) { try DeviceRef.parse("alpha/HQ") }
    }

    @Test func errorTextCleansControlCharacters() {
        #expect(throws: TrustError.invalidAgencyName("a?b")) { try AgencyName("a\u{1B}b") }
    }
}
