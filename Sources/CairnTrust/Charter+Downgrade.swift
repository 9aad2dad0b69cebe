/// Who may lower a record's classification: a charter rule, because moving a record to a level
/// more devices can read is a release decision that the federation's members agree on once.
/// Raising a level is open to any device cleared for both levels (it only narrows who reads).
public enum DowngradeRule: Int, Hashable, Sendable, CustomStringConvertible {
    /// Only devices of the agency that created the record (the default: the owner of the
    /// information decides its release).
    case originatingAgency = 0
    /// Any device cleared for both levels, of any member agency.
    case anyClearedAgency = 1

    /// Whether a device of `agency` may lower a record created by `origin`.
    public func allows(agency: String, origin: String) -> Bool {
        switch self {
        case .originatingAgency: return agency == origin
        case .anyClearedAgency: return true
        }
    }

    public var description: String {
        switch self {
        case .originatingAgency: return "originating-agency"
        case .anyClearedAgency: return "any-cleared-agency"
        }
    }
}
