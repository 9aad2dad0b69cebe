import Foundation
import GRDB

/// Checked column reads: a value of the wrong type (only possible in a damaged or hand-edited
/// file) becomes `StoreError.corrupt` instead of a crash.
extension Row {
    func bytes(_ index: Int, table: String) throws -> [UInt8] {
        let value: DatabaseValue = self[index]
        switch value.storage {
        case .blob(let data):
            return [UInt8](data)
        default:
            throw Self.mismatch(index, table: table, expected: "bytes")
        }
    }

    func string(_ index: Int, table: String) throws -> String {
        let value: DatabaseValue = self[index]
        guard case .string(let string) = value.storage else {
            throw Self.mismatch(index, table: table, expected: "text")
        }
        return string
    }

    func int64(_ index: Int, table: String) throws -> Int64 {
        let value: DatabaseValue = self[index]
        guard case .int64(let integer) = value.storage else {
            throw Self.mismatch(index, table: table, expected: "an integer")
        }
        return integer
    }

    /// Integers the store only ever writes from unsigned or small Swift values.
    func integer<T: FixedWidthInteger>(_ index: Int, table: String, as type: T.Type) throws -> T {
        let integer = try int64(index, table: table)
        guard let value = T(exactly: integer) else {
            throw Self.mismatch(index, table: table, expected: "a \(T.self)")
        }
        return value
    }

    private static func mismatch(_ index: Int, table: String, expected: String) -> ColumnMismatch {
        ColumnMismatch(detail: "column \(index) of table \(table) does not hold \(expected)")
    }
}

extension Array where Element == UInt8 {
    /// The bytes as a GRDB statement argument.
    var blob: Data { Data(self) }
}

/// A column held a value of the wrong type; `StoreError.wrapping` turns it into `.corrupt` with
/// the database's path.
struct ColumnMismatch: Error {
    let detail: String
}
