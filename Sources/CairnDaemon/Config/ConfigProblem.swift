/// One problem in a configuration file, with where it is.
public struct ConfigProblem: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line, or 0 when the problem is about the file as a whole (a missing key).
    public var line: Int
    public var key: String?
    public var message: String

    public var description: String {
        let place = line > 0 ? "line \(line)" : "file"
        if let key { return "\(place): \(key): \(message)" }
        return "\(place): \(message)"
    }
}
