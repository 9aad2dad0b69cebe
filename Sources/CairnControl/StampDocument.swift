/// Who changed something, from which device, and when: the `Stamp` of the control API.
///
/// Every field is a string because the daemon formats them for people and scripts alike:
/// `by` is the device reference (`alpha/hq`) when the daemon knows the device's certificate,
/// else the first 16 hex digits of its id; `device` is the full 64-hex device id; `at` is an
/// ISO-8601 UTC time with milliseconds; `hlc` is the hybrid logical clock as `wallMillis.counter`.
public struct StampDocument: Codable, Hashable, Sendable {
    /// The device reference (`agency/name`), or a short device id when the device is unknown.
    public var by: String
    /// The author device's id, 64 lowercase hex digits.
    public var device: String
    /// The wall-clock time of the change, ISO-8601 UTC (`2026-11-25T17:00:00.123Z`).
    public var at: String
    /// The hybrid logical clock of the change, `<wallMillis>.<counter>`.
    public var hlc: String

    /// Creates a stamp from its already formatted parts.
    public init(by: String, device: String, at: String, hlc: String) {
        self.by = by
        self.device = device
        self.at = at
        self.hlc = hlc
    }
}
