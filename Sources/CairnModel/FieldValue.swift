/// A JSON value held in one field of a record.
///
/// The model keeps values as a plain tree, not as encoded bytes, so that merging and validation
/// never depend on a particular encoder. Numbers keep JSON's two shapes: exact integers and
/// finite doubles (`Validate.fieldValue` refuses NaN and infinities, which JSON cannot carry).
public enum FieldValue: Hashable, Sendable {
    /// JSON `null`: a present field whose value is empty, unlike a removed field.
    case null
    /// JSON `true` or `false`.
    case bool(Bool)
    /// An integer, kept exact.
    case int(Int64)
    /// A finite floating-point number.
    case double(Double)
    /// A string of Unicode text.
    case string(String)
    /// An ordered list of values.
    case array([FieldValue])
    /// A map from member names to values.
    case object([String: FieldValue])
}

extension FieldValue {
    /// Whether arrays and objects nest more than `limit` deep (a scalar has depth 0). Recursion
    /// stops at `limit + 1` levels, so checking a hostile value costs little stack.
    func nestsDeeper(than limit: Int) -> Bool {
        switch self {
        case .null, .bool, .int, .double, .string:
            return false
        case .array(let items):
            return limit == 0 || items.contains { $0.nestsDeeper(than: limit - 1) }
        case .object(let members):
            return limit == 0 || members.values.contains { $0.nestsDeeper(than: limit - 1) }
        }
    }

    /// Whether every number in the value is finite.
    var isFinite: Bool {
        switch self {
        case .null, .bool, .int, .string: return true
        case .double(let number): return number.isFinite
        case .array(let items): return items.allSatisfy(\.isFinite)
        case .object(let members): return members.values.allSatisfy(\.isFinite)
        }
    }
}
