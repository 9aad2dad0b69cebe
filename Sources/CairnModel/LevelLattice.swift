/// The classification levels of a federation, lowest first, as declared by its charter.
///
/// Levels are totally ordered: a device cleared for a level may read everything at or below it.
/// Names are short uppercase words so that they are unambiguous in headers, logs and key names.
public struct LevelLattice: Hashable, Sendable {
    /// The longest level name accepted.
    public static let maxNameLength = 32

    /// The level names, lowest first.
    public let names: [String]
    private let ranks: [String: Int]

    /// Builds a lattice from a charter's list, refusing an empty list, duplicates and malformed
    /// names (each must be 1 to 32 characters among `A-Z`, `0-9` and `_`).
    public init(_ names: [String]) throws {
        guard !names.isEmpty else { throw ModelError.emptyLattice }
        var ranks: [String: Int] = [:]
        for (rank, name) in names.enumerated() {
            try Self.validateName(name)
            guard ranks.updateValue(rank, forKey: name) == nil else {
                throw ModelError.duplicateLevel(name)
            }
        }
        self.names = names
        self.ranks = ranks
    }

    /// The usual four levels, for tests and a default charter.
    public static let standard: LevelLattice = {
        do {
            return try LevelLattice(["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"])
        } catch {
            fatalError("the standard lattice is valid: \(error)")
        }
    }()

    /// Checks the syntax of one level name, without asking whether a charter declares it; used
    /// on change headers before the charter is at hand.
    public static func validateName(_ name: String) throws {
        let bytes = Array(name.utf8)
        guard (1...maxNameLength).contains(bytes.count), bytes.allSatisfy(isNameByte) else {
            throw ModelError.invalidLevelName(name)
        }
    }

    /// The position of `level` (0 is the lowest), or `nil` when the charter does not declare it.
    public func rank(of level: String) -> Int? { ranks[level] }

    /// Whether the charter declares `level`.
    public func contains(_ level: String) -> Bool { ranks[level] != nil }

    /// Whether `level` may be read by someone cleared for `ceiling`. Unknown levels are never at
    /// or below anything, so a typo denies access instead of granting it.
    public func isAtOrBelow(_ level: String, _ ceiling: String) -> Bool {
        guard let rank = ranks[level], let top = ranks[ceiling] else { return false }
        return rank <= top
    }

    /// The levels readable with clearance `ceiling`, lowest first; empty for an unknown ceiling.
    public func levels(atOrBelow ceiling: String) -> [String] {
        guard let top = ranks[ceiling] else { return [] }
        return Array(names[...top])
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}
