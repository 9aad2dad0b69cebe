/// Shared syntax of agency and device names: `[a-z0-9][a-z0-9-]{0,31}`.
///
/// Names appear in file names, log lines, certificate subjects and `agency/device`
/// references, so they are kept to a small alphabet that needs no quoting anywhere.
enum NameSyntax {
    static let maxLength = 32

    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...maxLength).contains(bytes.count), bytes[0] != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }
}

/// The name of a member agency, unique within a charter.
public struct AgencyName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The validated name.
    public let value: String

    /// Validates `value`; throws `invalidAgencyName` unless it is `[a-z0-9][a-z0-9-]{0,31}`.
    public init(_ value: String) throws {
        guard NameSyntax.isValid(value) else { throw TrustError.invalidAgencyName(Display.clean(value)) }
        self.value = value
    }

    /// The name itself.
    public var description: String { value }

    /// Alphabetical order, for stable listings.
    public static func < (lhs: AgencyName, rhs: AgencyName) -> Bool { lhs.value < rhs.value }
}

/// The name of a device, unique within its agency.
public struct DeviceName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The validated name.
    public let value: String

    /// Validates `value`; throws `invalidDeviceName` unless it is `[a-z0-9][a-z0-9-]{0,31}`.
    public init(_ value: String) throws {
        guard NameSyntax.isValid(value) else { throw TrustError.invalidDeviceName(Display.clean(value)) }
        self.value = value
    }

    /// The name itself.
    public var description: String { value }

    /// Alphabetical order, for stable listings.
    public static func < (lhs: DeviceName, rhs: DeviceName) -> Bool { lhs.value < rhs.value }
}

/// A device named by its agency, written `agency/device`: how operators and logs refer to a
/// device, and the signer name of a certification request.
public struct DeviceRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The device's agency.
    public let agency: AgencyName
    /// The device's name within the agency.
    public let device: DeviceName

    /// Pairs two validated names.
    public init(agency: AgencyName, device: DeviceName) {
        self.agency = agency
        self.device = device
    }

    /// Parses `agency/device`; throws `invalidDeviceRef` when there is not exactly one `/`, or
    /// the name error of the part that is invalid.
    public static func parse(_ text: String) throws -> DeviceRef {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw TrustError.invalidDeviceRef(Display.clean(text)) }
        return DeviceRef(agency: try AgencyName(String(parts[0])), device: try DeviceName(String(parts[1])))
    }

    /// `agency/device`.
    public var description: String { "\(agency.value)/\(device.value)" }

    /// Ordered by agency, then device.
    public static func < (lhs: DeviceRef, rhs: DeviceRef) -> Bool {
        (lhs.agency.value, lhs.device.value) < (rhs.agency.value, rhs.device.value)
    }
}
