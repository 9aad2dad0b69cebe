/// Which records a listing includes with respect to deletion (`deleted=` of `GET /v1/records`).
public enum DeletedFilter: String, CaseIterable, Codable, Hashable, Sendable {
    /// Only live records (the daemon's default).
    case exclude
    /// Live and deleted records.
    case include
    /// Only deleted records.
    case only
}
